/** The contract between the copilot's engines and everything that shows an answer (CLI, API, web, reports). */
import type { ColumnFormat } from '../charts/types.js';
import type { TypedQuery } from './semantic/query.js';
import type { SemanticQuery } from './semantic/semantic-query.js';

export type AnswerStatus = 'answered' | 'abstained' | 'refused' | 'error' | 'choose';
export type EngineName = 'semantic' | 'llm';

export interface AskRequest {
  question: string;
  /** As-of date 'YYYY-MM-DD' that "today", "this week"… are relative to. */
  today: string;
  /** Who asked (user name), for the audit trail. */
  actor?: string;
  /** Overrides the configured row cap for this question. */
  maxRows?: number;
  /** The previous question of the thread: a follow-up ("and by currency?") refines its query. */
  previous?: PreviousTurn;
  /** A choice the user picked from a "which one?" answer: the phrase is read as that option. */
  choice?: ChoicePick;
}

/** What a follow-up question knows of the answer before it. */
export interface PreviousTurn {
  question: string;
  /** The typed query the semantic engine answered it with (absent when the language model answered). */
  understood?: TypedQuery;
  sql?: string;
  explanation?: string;
  /** Audit correlation id of the previous question, recorded with the follow-up. */
  auditId?: string;
}

/** One reading of an ambiguous phrase, as offered in a "which one?" answer and sent back when picked. */
export interface ChoicePick {
  /** The words of the question the choice is about (normal form). */
  phrase: string;
  /** What the phrase is read as. */
  sense: { kind: 'value'; dimension: string; value: string } | { kind: 'measure'; measure: string } | { kind: 'filter'; filter: string };
}

export interface ChoiceOption {
  /** What the user sees on the button ("Juniper Partners", "notional"). */
  label: string;
  /** What the option resolves to ("counterparty Juniper Partners"). */
  means: string;
  pick: ChoicePick;
}

export interface AskAnswer {
  status: AnswerStatus;
  question: string;
  /** One plain-English sentence restating what was computed, or why nothing was. */
  explanation: string;
  /** The engine that produced the SQL (or made the decision to abstain/refuse). */
  engine: EngineName;
  /** The SQL that ran (after the guard), when answered. */
  sql?: string;
  /**
   * What the semantic engine understood (its typed query, JSON-serialisable), so a person can
   * check it; absent when nothing was understood (abstention, refusal) or the language model answered.
   */
  understood?: TypedQuery;
  /**
   * The same, as the semantic query in the training profile's own names (entity, measures,
   * dimensions, named filters and dates; src/nl2sql/semantic/semantic-query.ts): the contract both
   * engines answer with. Present when `understood` is, and for a language model's semantic query.
   */
  semantic?: SemanticQuery;
  columns?: string[];
  /** How each column is shown (header with unit, decimals, dates, codes' words), from the profile. */
  columnFormats?: ColumnFormat[];
  rows?: unknown[][];
  rowCount?: number;
  truncated?: boolean;
  /** A top N whose edge is tied: groups beyond the Nth with the same figure, said in the answer (pipeline/ties.ts). */
  ties?: TieNote;
  /** For status 'choose': the readings of the ambiguous phrase to pick from (re-ask with `choice`). */
  choices?: ChoiceOption[];
  /** For a follow-up: the question it refined (its audit id when recorded). */
  follows?: { question: string; auditId?: string };
  /** For abstentions: up to three close questions the copilot can answer. */
  suggestions?: string[];
  /** Stable error code when status is 'error' or 'refused'. */
  code?: string;
  /** Message for the user when not answered, e.g. "I can't answer that from this data". */
  message?: string;
  /** The training version that produced this answer. */
  trainingVersion?: string;
  /** Timing: question->SQL and total, milliseconds. */
  compileMs?: number;
  ms: number;
  /** Audit record id of the question, to link feedback. */
  auditId?: string;
}

/** Groups beyond the Nth of a top N with the same figure as the Nth: the answer shows N rows and says this. */
export interface TieNote {
  /** N: the place the ties are at */
  rank: number;
  /** the figure they share */
  value: number | string;
  /** how many more groups have it (at least this many when `atLeast`) */
  more: number;
  atLeast: boolean;
  /** the tied groups' values (several group columns joined with " / ") */
  groups: string[];
  /** one sentence: "2 more counterparties tie with the 5th at 12 (number of settlements): A, B." */
  note: string;
  /** the follow-up question that answers them too ("include ties") */
  followUp: string;
}
