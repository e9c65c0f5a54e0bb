/**
 * The first stage, shared by every later one: a question's text (thousands separators dropped),
 * its tokens and its time phrases, read once per question. The parser (parse.ts) and the reading
 * of what is asked (asked.ts) both start from it.
 */
import { tokenize, type Token } from '../../training/index.js';
import { parseTimeExpressions, type TimeMatch } from './time/index.js';

export interface Reading {
  question: string;
  today: string;
  text: string;
  tokens: readonly Token[];
  times: TimeMatch[];
}

export function readQuestion(question: string, today: string): Reading {
  const text = question.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  return { question, today, text, tokens: tokenize(text), times: parseTimeExpressions(text, today) };
}

/** The reading of `question` as of `today`: the one given when it is of that question, else a new one. */
export function readingOf(question: string, today: string, given?: Reading): Reading {
  return given && given.question === question && given.today === today ? given : readQuestion(question, today);
}
