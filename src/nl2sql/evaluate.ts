/** Runs a question set through the copilot: one prediction per question, plus a summary. */
import { readFileSync } from 'node:fs';
import { OtcError } from '../shared/errors.js';
import type { Copilot } from './copilot.js';
import type { AnswerStatus } from './types.js';

export interface EvalQuestion {
  id: string;
  question: string;
  /** The question's own as-of date (wins over the run's). */
  today?: string;
}

export interface EvalPrediction {
  id: string;
  status: AnswerStatus;
  sql: string | null;
  columns: string[];
  rows: unknown[][];
  explanation: string;
  /** End-to-end milliseconds (question -> rows). */
  ms: number;
  /** Question -> SQL milliseconds. */
  compileMs?: number;
  message?: string;
  code?: string;
}

export interface EvalSummary {
  total: number;
  answered: number;
  abstained: number;
  refused: number;
  error: number;
  p50Ms: number;
  p95Ms: number;
  compileP50Ms: number;
  compileP95Ms: number;
}

/** Reads a JSONL question file ({"id","question","today"?} per line); bad lines are named. */
export function readQuestions(path: string): EvalQuestion[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new OtcError('OTC_ERR_USAGE', `cannot read the questions file ${path}: ${(e as Error).message}`);
  }
  const out: EvalQuestion[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let q: Partial<EvalQuestion>;
    try {
      q = JSON.parse(line) as Partial<EvalQuestion>;
    } catch {
      throw new OtcError('OTC_ERR_USAGE', `${path} line ${i + 1}: not valid JSON`);
    }
    if (typeof q.question !== 'string' || !q.question.trim()) throw new OtcError('OTC_ERR_USAGE', `${path} line ${i + 1}: needs a "question" string`);
    out.push({ id: String(q.id ?? `q${i + 1}`), question: q.question, today: typeof q.today === 'string' ? q.today : undefined });
  });
  return out;
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export async function runEvaluation(
  copilot: Copilot,
  questions: EvalQuestion[],
  opts: { today: string; onAnswer?: (p: EvalPrediction, index: number) => void },
): Promise<{ predictions: EvalPrediction[]; summary: EvalSummary }> {
  const predictions: EvalPrediction[] = [];
  for (const [i, q] of questions.entries()) {
    const a = await copilot.ask({ question: q.question, today: q.today ?? opts.today, actor: 'eval' });
    const p: EvalPrediction = {
      id: q.id,
      status: a.status,
      sql: a.sql ?? null,
      columns: a.columns ?? [],
      rows: a.rows ?? [],
      explanation: a.explanation,
      ms: round(a.ms),
      compileMs: a.compileMs === undefined ? undefined : round(a.compileMs),
      ...(a.status === 'answered' ? {} : { message: a.message, code: a.code }),
    };
    predictions.push(p);
    opts.onAnswer?.(p, i);
  }
  const count = (s: AnswerStatus) => predictions.filter((p) => p.status === s).length;
  const ms = predictions.map((p) => p.ms);
  const cms = predictions.map((p) => p.compileMs ?? 0);
  return {
    predictions,
    summary: {
      total: predictions.length,
      answered: count('answered'),
      abstained: count('abstained'),
      refused: count('refused'),
      error: count('error'),
      p50Ms: round(percentile(ms, 50)),
      p95Ms: round(percentile(ms, 95)),
      compileP50Ms: round(percentile(cms, 50)),
      compileP95Ms: round(percentile(cms, 95)),
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
