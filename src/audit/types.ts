/**
 * Kinds of audit records. Later modules (reports, deliveries, llm) add theirs here. The one list:
 * the API's search filter and the web app's Audit page take it from this dependency-free file.
 */
export const AUDIT_KINDS = [
  'question',
  'sql_generated',
  'query_run',
  'refusal',
  'abstention',
  'error',
  'training_change',
  'sign_in',
  'sign_out',
  'user_change',
  'feedback',
  'llm_call',
  'report_run',
  'delivery',
  'schedule_change',
  'schedule_run',
  'audit_export',
  'audit_prune',
  'legal_hold',
  'dashboard_change',
  'dashboard_refresh',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** What a caller appends. The audit module adds id, sequence, timestamp and hashes. */
export interface AuditEntry {
  kind: AuditKind;
  /** Who: a user name, 'system', 'cli:<os user>'. */
  actor: string;
  outcome: 'ok' | 'refused' | 'abstained' | 'error' | 'started' | 'completed';
  question?: string;
  sql?: string;
  engine?: string;
  durationMs?: number;
  rowCount?: number;
  /** SHA-256 of the canonical result rows, so a result can be proven later without storing it. */
  resultHash?: string;
  /** Links records of one question/run together. */
  correlationId?: string;
  /** Anything else, JSON-serialisable (error code, training version, target...). */
  details?: Record<string, unknown>;
}
