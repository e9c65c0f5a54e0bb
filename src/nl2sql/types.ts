/** The contract between the copilot's engines and everything that shows an answer (CLI, API, web, reports). */
import type { ColumnFormat } from '../charts/types.js';
import type { TypedQuery } from './semantic/query.js';

export type AnswerStatus = 'answered' | 'abstained' | 'refused' | 'error';
export type EngineName = 'semantic' | 'llm';

export interface AskRequest {
  question: string;
  /** As-of date 'YYYY-MM-DD' that "today", "this week"… are relative to. */
  today: string;
  /** Who asked (user name), for the audit trail. */
  actor?: string;
  /** Overrides the configured row cap for this question. */
  maxRows?: number;
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
  columns?: string[];
  /** How each column is shown (header with unit, decimals, dates, codes' words), from the profile. */
  columnFormats?: ColumnFormat[];
  rows?: unknown[][];
  rowCount?: number;
  truncated?: boolean;
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
