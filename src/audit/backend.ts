/** What the audit log needs of a database. Two implementations: sqlite.ts and postgres.ts. */
import { EXPORT_COLUMNS, type AuditRecordJson } from './chain.js';
import type { AppendResult, AppendUnit, LineOutcome } from './append.js';
import { asCheckpoint, type Checkpoint } from './signing.js';

/**
 * A stored record: the exported record's fields and columns (chain.ts), with `details` kept as
 * the canonical JSON text it was hashed from instead of a parsed value.
 */
export type AuditRow = Omit<AuditRecordJson, 'details'> & { details: string | null };

/** The columns of audit_records, in the order they are stored and exported. */
export const ROW_COLUMNS = EXPORT_COLUMNS;

/**
 * audit_records and its indexes, the same in both stores but for the 64-bit integer type's name
 * (in SQLite, `seq INTEGER PRIMARY KEY` is the rowid).
 */
export function recordsTableSql(int: 'INTEGER' | 'bigint'): string {
  return `
CREATE TABLE IF NOT EXISTS audit_records (
  seq ${int} PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  outcome TEXT NOT NULL,
  question TEXT,
  sql TEXT,
  engine TEXT,
  duration_ms ${int},
  row_count ${int},
  result_hash TEXT,
  correlation_id TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts);
CREATE INDEX IF NOT EXISTS audit_records_actor_ts ON audit_records (actor, ts);
CREATE INDEX IF NOT EXISTS audit_records_kind_ts ON audit_records (kind, ts);
CREATE INDEX IF NOT EXISTS audit_records_correlation ON audit_records (correlation_id);
CREATE INDEX IF NOT EXISTS audit_records_actor_seq ON audit_records (actor, seq);
CREATE INDEX IF NOT EXISTS audit_records_kind_seq ON audit_records (kind, seq);
CREATE INDEX IF NOT EXISTS audit_records_outcome_seq ON audit_records (outcome, seq);
CREATE INDEX IF NOT EXISTS audit_records_kind_outcome_seq ON audit_records (kind, outcome, seq);
CREATE INDEX IF NOT EXISTS audit_records_engine_seq ON audit_records (engine, seq);
`;
}

/** The anchor: seq, id and hash of the last record appended, kept in audit_meta. */
export interface Head {
  seq: number;
  id: string;
  hash: string;
  /** The head signed with the audit key (absent on logs written before a key was configured). */
  signed?: Checkpoint;
}

/** The JSON kept in audit_meta for a head: {seq,id,hash} plus, when signed, ts, key_id and sig. */
export function headJson(row: { seq: number; id: string; hash: string }, signed?: Checkpoint): string {
  return JSON.stringify(signed ? { ...signed, seq: row.seq, id: row.id, hash: row.hash } : { seq: row.seq, id: row.id, hash: row.hash });
}

/** The pruned-through marker (audit_meta 'pruned_through'): records up to seq were archived and deleted. */
export interface PrunedThrough {
  seq: number;
  hash: string;
  /** The seq of the audit_prune record that names this cut. */
  by: number;
}
export const PRUNED_KEY = 'pruned_through';

export function parsePruned(value: string | undefined): PrunedThrough | undefined {
  if (value === undefined) return undefined;
  try {
    const p = JSON.parse(value) as PrunedThrough;
    if (typeof p.seq === 'number' && typeof p.hash === 'string' && typeof p.by === 'number') return p;
  } catch {
    /* fall through */
  }
  return undefined;
}

/** The head anchor stored in audit_meta, or undefined when absent or not a well-formed anchor. */
export function parseHead(value: string | undefined): Head | undefined {
  if (value === undefined) return undefined;
  try {
    const h = JSON.parse(value) as Head & Record<string, unknown>;
    if (typeof h.seq === 'number' && typeof h.hash === 'string' && typeof h.id === 'string') {
      // a malformed signature is kept as one that will not verify, never dropped
      const signed = h.sig === undefined ? undefined : (asCheckpoint(h) ?? { seq: h.seq, id: h.id, hash: h.hash, ts: '', key_id: '', sig: String(h.sig) });
      return { seq: h.seq, id: h.id, hash: h.hash, ...(signed ? { signed } : {}) };
    }
  } catch {
    /* fall through */
  }
  return undefined;
}

export interface RowFilter {
  afterSeq?: number;
  /** Keyset paging, newest first: records with seq < beforeSeq. */
  beforeSeq?: number;
  /** Inclusive upper bound on seq. */
  toSeq?: number;
  outcome?: string;
  engine?: string;
  fromTs?: string; // inclusive
  toTs?: string; // exclusive
  kind?: string;
  actor?: string;
  /** Exact correlation id (indexed). */
  correlationId?: string;
  text?: string;
}

/** Reads inside one consistent snapshot. */
export interface Snapshot {
  head(): Promise<Head | undefined>;
  /** Records with seq > afterSeq, ascending. */
  after(afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** The record with the highest seq below `seq`. */
  lastBefore(seq: number): Promise<AuditRow | undefined>;
  at(seq: number): Promise<AuditRow | undefined>;
  meta(key: string): Promise<string | undefined>;
}

export interface AuditBackend {
  kind: 'sqlite' | 'postgres';
  /**
   * Builds the rows of `units` on the current head (append.ts, buildUnits) under an exclusive
   * lock and stores them in one transaction; the head moves one record at a time and only the
   * last head is signed (with the key the backend was opened with). A backend opened with the
   * checkpoint file (SQLite: its writer thread) writes the transaction's line itself: `line`
   * settles when it is written (or not due, or failed); `early` then resolves at the commit,
   * before the line. Without `line`, the log writes the lines (PostgreSQL).
   */
  appendUnits(units: AppendUnit[], early?: boolean): Promise<AppendResult & { line?: Promise<LineOutcome> }>;
  /**
   * Deletes the records up to `through.seq` after setting the pruned-through marker, in one
   * transaction (the delete trigger lets only records at or below the marker go).
   */
  prune(through: PrunedThrough): Promise<number>;
  meta(key: string): Promise<string | undefined>;
  snapshot<T>(fn: (s: Snapshot) => Promise<T>): Promise<T>;
  select(f: RowFilter, order: 'asc' | 'desc', limit: number, offset: number): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export const HEAD_KEY = 'head';
export const SCHEMA_VERSION = '1';

/** WHERE clause shared by both backends; `ph(n)` renders the n-th (1-based) placeholder. */
export function whereOf(f: RowFilter, ph: (n: number) => string, like: 'LIKE' | 'ILIKE', tsAsFilter = false): { sql: string; params: unknown[] } {
  // SQLite: `+ts` keeps the planner off the ts indexes, so that an (x, seq) index is walked newest first
  const ts = tsAsFilter ? '+ts' : 'ts';
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (cond: (p: string) => string, v: unknown) => {
    params.push(v);
    conds.push(cond(ph(params.length)));
  };
  if (f.afterSeq !== undefined) add((p) => `seq > ${p}`, f.afterSeq);
  if (f.beforeSeq !== undefined) add((p) => `seq < ${p}`, f.beforeSeq);
  if (f.toSeq !== undefined) add((p) => `seq <= ${p}`, f.toSeq);
  if (f.outcome !== undefined) add((p) => `outcome = ${p}`, f.outcome);
  if (f.engine !== undefined) add((p) => `engine = ${p}`, f.engine);
  if (f.fromTs !== undefined) add((p) => `${ts} >= ${p}`, f.fromTs);
  if (f.toTs !== undefined) add((p) => `${ts} < ${p}`, f.toTs);
  if (f.kind !== undefined) add((p) => `kind = ${p}`, f.kind);
  if (f.actor !== undefined) add((p) => `actor = ${p}`, f.actor);
  if (f.correlationId !== undefined) add((p) => `correlation_id = ${p}`, f.correlationId);
  if (f.text !== undefined && f.text !== '') {
    // one parameter per placeholder: SQLite's positional "?" cannot be reused
    const pattern = '%' + f.text.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const parts: string[] = [];
    for (const col of ['question', 'sql', 'details']) {
      params.push(pattern);
      parts.push(`${col} ${like} ${ph(params.length)} ESCAPE '\\'`);
    }
    for (const col of ['correlation_id', 'id']) {
      params.push(f.text);
      parts.push(`${col} = ${ph(params.length)}`);
    }
    conds.push('(' + parts.join(' OR ') + ')');
  }
  return { sql: conds.length ? ' WHERE ' + conds.join(' AND ') : '', params };
}
