import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { parseDbUrl } from '../store/index.js';
import { toWellFormedJson, toWellFormedText } from '../shared/well-formed.js';
import { canonicalize } from './canonical.js';
import {
  EXPORT_COLUMNS,
  GENESIS_HASH,
  checkNext,
  computeRecordHash,
  recordFromJson,
  type AuditRecord,
  type AuditRecordJson,
  type BrokenAt,
  type ChainItem,
  type ChainState,
  type VerifyResult,
} from './chain.js';
import { badAuditUrl, badEntry, badQuery } from './errors.js';
import type { AuditBackend, AuditRow, RowFilter } from './backend.js';
import { openSqliteBackend } from './sqlite.js';
import { openPostgresBackend } from './postgres.js';
import type { AuditEntry, AuditKind } from './types.js';

export interface AuditSearch {
  /** YYYY-MM-DD (start of that UTC day) or an ISO date-time; inclusive. */
  from?: string;
  /** YYYY-MM-DD (the whole UTC day is included) or an ISO date-time; inclusive. */
  to?: string;
  kind?: AuditKind;
  actor?: string;
  /** The records of one question or run: exact correlation id (indexed; prefer it to `text`). */
  correlationId?: string;
  /** Case-insensitive substring of question, sql or details; or an exact correlation id / record id. */
  text?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface VerifyOptions {
  /** First seq to check (linked to the record before it). Default 1. */
  from?: number;
  /**
   * An anchor kept outside the database (e.g. the `head` printed by an earlier `audit verify`):
   * the record with this seq must exist and carry this hash. Detects a rewrite of the whole
   * chain together with its in-database anchor.
   */
  expectedHead?: { seq: number; hash: string };
}

export interface AuditLog {
  readonly kind: 'sqlite' | 'postgres';
  /** Appends one record. Serialised: concurrent appends (any number of processes) never fork the chain. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Walks the chain in seq order and compares its end with the head anchor (audit_meta). */
  verify(opts?: VerifyOptions): Promise<VerifyResult>;
  /** Newest first. */
  search(q: AuditSearch): Promise<AuditRecord[]>;
  /** Writes the records of the range in seq order (with prev_hash and hash); returns how many. */
  exportRange(q: { from?: string; to?: string }, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<number>;
  close(): Promise<void>;
}

const OUTCOMES = new Set<AuditEntry['outcome']>(['ok', 'refused', 'abstained', 'error', 'started', 'completed']);
const PAGE = 1000;

/**
 * Audited text is made well-formed before it is hashed: a lone UTF-16 surrogate or a NUL
 * becomes U+FFFD, which is what a UTF-8 store would read back anyway. So the record hashed is
 * exactly the record stored, and a hostile string cannot make `verify` report tampering.
 * (The HTTP API refuses such text outright; this is the audit log's own guarantee.)
 */
function optText(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badEntry(`${name} must be a string`);
  return toWellFormedText(v);
}
function optInt(v: unknown, name: string, round: boolean): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badEntry(`${name} must be a non-negative number`);
  if (!round && !Number.isInteger(v)) throw badEntry(`${name} must be an integer`);
  return Math.round(v);
}

/** Validates an entry and turns it into the columns of the next record (hash computed last). */
export function buildRow(entry: AuditEntry, head: { seq: number; hash: string }, id: string, ts: string): AuditRow {
  if (!entry || typeof entry !== 'object') throw badEntry('not an object');
  if (typeof entry.kind !== 'string' || !/^[a-z][a-z0-9_.:-]{0,63}$/.test(entry.kind)) throw badEntry(`kind "${String(entry.kind)}" is not a valid kind`);
  if (typeof entry.actor !== 'string' || !entry.actor.trim()) throw badEntry('actor is required');
  if (!OUTCOMES.has(entry.outcome)) throw badEntry(`outcome "${String(entry.outcome)}" is not one of ${[...OUTCOMES].join(', ')}`);
  let details: string | null = null;
  if (entry.details !== undefined && entry.details !== null) {
    if (typeof entry.details !== 'object' || Array.isArray(entry.details)) throw badEntry('details must be an object');
    try {
      // through canonical JSON first (toJSON, undefined members), then every string made well-formed
      details = canonicalize(toWellFormedJson(JSON.parse(canonicalize(entry.details)) as unknown));
    } catch (e) {
      throw badEntry(`details: ${(e as Error).message}`);
    }
  }
  const row: AuditRow = {
    seq: head.seq + 1,
    id,
    ts,
    kind: entry.kind,
    actor: toWellFormedText(entry.actor),
    outcome: entry.outcome,
    question: optText(entry.question, 'question'),
    sql: optText(entry.sql, 'sql'),
    engine: optText(entry.engine, 'engine'),
    duration_ms: optInt(entry.durationMs, 'durationMs', true),
    row_count: optInt(entry.rowCount, 'rowCount', false),
    result_hash: optText(entry.resultHash, 'resultHash'),
    correlation_id: optText(entry.correlationId, 'correlationId'),
    details,
    prev_hash: head.hash,
    hash: '',
  };
  row.hash = computeRecordHash(rowToJson(row));
  return row;
}

/** A stored row as the JSON record that is hashed and exported (details parsed). */
export function rowToJson(row: AuditRow): AuditRecordJson {
  let details: Record<string, unknown> | null = null;
  if (row.details !== null) {
    try {
      details = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      details = { __unparseable_details__: row.details }; // tampered text: will not match the hash
    }
  }
  return { ...row, details };
}

export function rowToRecord(row: AuditRow): AuditRecord {
  return recordFromJson(rowToJson(row));
}

function rowToItem(row: AuditRow): ChainItem {
  let computed = '';
  try {
    computed = computeRecordHash(rowToJson(row));
  } catch {
    /* a value that cannot have been hashed: leave '' so it never matches */
  }
  return { seq: row.seq, id: row.id, prevHash: row.prev_hash, hash: row.hash, computed };
}

function dayStart(d: string, flag: string): Date {
  const t = new Date(`${d}T00:00:00.000Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d) throw badQuery(`${flag}: "${d}" is not a valid date`);
  return t;
}

/** from/to (YYYY-MM-DD or ISO date-time) -> [fromTs, toTs) as ISO UTC text. */
export function rangeOf(q: { from?: string; to?: string }): { fromTs?: string; toTs?: string } {
  const out: { fromTs?: string; toTs?: string } = {};
  const parse = (v: string, flag: string, isTo: boolean): string => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      const t = dayStart(v, flag);
      return new Date(t.getTime() + (isTo ? 86_400_000 : 0)).toISOString();
    }
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) throw badQuery(`${flag}: "${v}" is not a date (YYYY-MM-DD) or an ISO date-time`);
    const t = new Date(v);
    if (Number.isNaN(t.getTime())) throw badQuery(`${flag}: "${v}" is not a valid date-time`);
    return new Date(t.getTime() + (isTo ? 1 : 0)).toISOString();
  };
  if (q.from) out.fromTs = parse(q.from, 'from', false);
  if (q.to) out.toTs = parse(q.to, 'to', true);
  if (out.fromTs && out.toTs && out.fromTs >= out.toTs) throw badQuery(`the range is empty: from ${q.from} is after to ${q.to}`);
  return out;
}

function csvCell(v: unknown, text: boolean): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'object' ? canonicalize(v) : String(v);
  // A spreadsheet would run a text cell starting with = + - @ as a formula: neutralise it.
  if (text && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
const CSV_NUMERIC = new Set(['seq', 'duration_ms', 'row_count']);

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

class DbAuditLog implements AuditLog {
  constructor(private readonly backend: AuditBackend) {}

  get kind() {
    return this.backend.kind;
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const id = randomUUID();
    // Validate before taking the lock; the timestamp is taken under the lock, so ts follows seq
    // on one clock.
    buildRow(entry, { seq: 0, hash: GENESIS_HASH }, id, new Date().toISOString());
    const row = await this.backend.append((head) => buildRow(entry, head, id, new Date().toISOString()));
    return rowToRecord(row);
  }

  verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    return this.backend.snapshot(async (s) => {
      const anchor = await s.head();
      if (!anchor) {
        return { ok: false, count: 0, brokenAt: { seq: 0, id: '', reason: 'the head anchor (audit_meta) is missing or unreadable' } };
      }
      const from = Math.max(1, Math.floor(opts.from ?? 1));
      const before = from > 1 ? await s.lastBefore(from) : undefined;
      const state: ChainState = { count: 0, prev: before ? { seq: before.seq, id: before.id, hash: before.hash } : { seq: 0, id: '', hash: GENESIS_HASH } };
      if (from > 1 && !before) state.prev = { seq: 0, id: '', hash: GENESIS_HASH };
      const broken = (b: BrokenAt): VerifyResult => ({ ok: false, count: state.count, brokenAt: b });

      let afterSeq = from - 1;
      let done = false;
      const buf: ChainItem[] = [];
      const fill = async () => {
        while (buf.length < 2 && !done) {
          const rows = await s.after(afterSeq, PAGE);
          if (rows.length < PAGE) done = true;
          if (rows.length) afterSeq = rows[rows.length - 1]!.seq;
          buf.push(...rows.map(rowToItem));
        }
      };
      for (;;) {
        await fill();
        const cur = buf.shift();
        if (!cur) break;
        await fill();
        const b = checkNext(state, cur, buf[0]);
        if (b) return broken(b);
      }

      // The walk is intact; now its end against the anchor kept with every append.
      const last = state.prev!;
      if (last.seq < anchor.seq) {
        return broken({
          seq: last.seq + 1,
          id: last.seq + 1 === anchor.seq ? anchor.id : '',
          reason: `sequence gap after record ${last.seq}: the anchored head is record ${anchor.seq} (records were deleted from the end)`,
        });
      }
      const atAnchor = anchor.seq === 0 ? undefined : anchor.seq === last.seq ? last : await s.at(anchor.seq);
      const anchorHash = anchor.seq === 0 ? GENESIS_HASH : atAnchor?.hash;
      if (anchorHash !== anchor.hash) {
        return broken({
          seq: anchor.seq,
          id: atAnchor?.id ?? anchor.id,
          reason: `record ${anchor.seq} does not match the anchored head hash (records up to it were rewritten and rehashed)`,
        });
      }
      if (last.seq > anchor.seq) {
        const extra = await s.at(anchor.seq + 1);
        return broken({
          seq: anchor.seq + 1,
          id: extra?.id ?? '',
          reason: `record ${anchor.seq + 1} lies beyond the anchored head (record ${anchor.seq}): it was not written through the audit log`,
        });
      }
      if (opts.expectedHead) {
        const { seq, hash } = opts.expectedHead;
        const r = seq === last.seq ? last : await s.at(seq);
        if (!r) return broken({ seq, id: '', reason: `record ${seq} (the expected head) is missing` });
        if (r.hash !== hash) {
          return broken({ seq, id: r.id, reason: `record ${seq} does not match the expected head hash (records up to it were rewritten and rehashed)` });
        }
      }
      return { ok: true, count: state.count, headHash: last.hash, headSeq: last.seq };
    });
  }

  async search(q: AuditSearch): Promise<AuditRecord[]> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badQuery('limit must be an integer from 1 to 1000');
    if (!Number.isInteger(offset) || offset < 0) throw badQuery('offset must be a non-negative integer');
    const f: RowFilter = { ...rangeOf(q) };
    if (q.kind) f.kind = q.kind;
    if (q.actor) f.actor = q.actor;
    if (q.correlationId) f.correlationId = q.correlationId;
    if (q.text) f.text = q.text;
    const rows = await this.backend.select(f, 'desc', limit, offset);
    return rows.map(rowToRecord);
  }

  async exportRange(q: { from?: string; to?: string }, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<number> {
    if (format !== 'jsonl' && format !== 'csv') throw badQuery(`format must be jsonl or csv, not "${String(format)}"`);
    const range = rangeOf(q);
    let count = 0;
    let afterSeq = 0;
    if (format === 'csv') await write(out, EXPORT_COLUMNS.join(',') + '\r\n');
    for (;;) {
      const rows = await this.backend.select({ ...range, afterSeq }, 'asc', PAGE, 0);
      if (!rows.length) break;
      let chunk = '';
      for (const row of rows) {
        const j = rowToJson(row);
        if (format === 'jsonl') {
          const ordered: Record<string, unknown> = {};
          for (const c of EXPORT_COLUMNS) ordered[c] = j[c];
          chunk += JSON.stringify(ordered) + '\n';
        } else {
          chunk += EXPORT_COLUMNS.map((c) => csvCell(j[c], !CSV_NUMERIC.has(c))).join(',') + '\r\n';
        }
      }
      await write(out, chunk);
      count += rows.length;
      afterSeq = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) break;
    }
    return count;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/**
 * Opens the audit log at `url`: `sqlite:PATH` or `postgres://…[?schema=NAME]`, creating its
 * tables (and a SQLite file's folder) unless `create: false` (readers such as `audit verify`:
 * a mistyped location must not look like an empty, intact log).
 * Errors: OTC_ERR_BAD_AUDIT_URL, OTC_ERR_AUDIT_UNREACHABLE, OTC_ERR_AUDIT_NOT_FOUND.
 */
export async function openAuditLog(url: string, opts: { create?: boolean } = {}): Promise<AuditLog> {
  const target = parseDbUrl(url, badAuditUrl);
  const create = opts.create ?? true;
  const backend = target.kind === 'sqlite' ? openSqliteBackend(target.path, create) : await openPostgresBackend(target, create);
  return new DbAuditLog(backend);
}
