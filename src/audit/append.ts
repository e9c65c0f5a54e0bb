/**
 * Appending, as data: what a caller hands the store (units of entries with their ids) and how
 * the rows are built on top of the head under the store's lock. Plain data in and out, so the
 * SQLite writer thread (sqlite-writer-worker.ts) and the PostgreSQL backend run the same code.
 */
import { OtcError } from '../shared/errors.js';
import { toWellFormedJson, toWellFormedText } from '../shared/well-formed.js';
import type { AuditRow, Head } from './backend.js';
import { CanonicalText, canonicalize, sha256Hex } from './canonical.js';
import { recordFromJson, type AuditRecord, type AuditRecordJson } from './chain.js';
import { badEntry } from './errors.js';
import { signCheckpoint, type AuditKeys, type Checkpoint } from './signing.js';
import type { AuditEntry } from './types.js';
import { parseJsonText } from '../shared/json-text.js';

/** Entries that stand or fall together (one `append`, or one `appendMany`), with their record ids. */
export interface AppendUnit {
  entries: AuditEntry[];
  ids: string[];
  /**
   * The caller wants no records back (a run's trail): the outcome then says only where the
   * unit's rows start and how many there are, so the SQLite writer thread sends no text back
   * to the main thread for it.
   */
  bare?: boolean;
}

/** A unit's rows (or, for a bare unit, their first seq and count), or why it was refused (a plain object: it crosses threads). */
export type UnitOutcome = { ok: true; rows: AuditRow[] } | { ok: true; firstSeq: number; count: number } | { ok: false; error: PlainError };

/** The seq of a stored unit's first row. */
function firstSeqOf(o: UnitOutcome): number | undefined {
  if (!o.ok) return undefined;
  return 'rows' in o ? o.rows[0]?.seq : o.firstSeq;
}

/** The result as sent back for `units`: a bare unit's rows reduced to their first seq and count. */
export function withoutBareRows(result: AppendResult, units: readonly AppendUnit[]): AppendResult {
  if (!units.some((u) => u.bare)) return result;
  const outcomes = result.outcomes.map((o, i): UnitOutcome => (units[i]!.bare && o.ok && 'rows' in o ? { ok: true, firstSeq: o.rows[0]?.seq ?? 0, count: o.rows.length } : o));
  return { ...result, outcomes };
}

/** What one transaction of units wrote: each unit's outcome, and the last head signed (with a key). */
export interface AppendResult {
  outcomes: UnitOutcome[];
  checkpoint?: Checkpoint;
}

/**
 * What became of the transaction's checkpoint line, when the backend writes the lines itself
 * (the SQLite writer thread): written to the file, not due (checkpointEvery > 1), or failed (the
 * records are committed all the same).
 */
export type LineOutcome = { written: boolean } | { error: PlainError };

/**
 * Whether a transaction whose rows start at its first stored row and end at `result.checkpoint`
 * writes a checkpoint line: it crossed a multiple of `every` (every transaction when every is 1).
 */
export function lineDue(result: AppendResult, every: number): boolean {
  const first = result.outcomes.map(firstSeqOf).find((s) => s !== undefined);
  const cp = result.checkpoint;
  return !!cp && first !== undefined && Math.floor(cp.seq / every) > Math.floor((first - 1) / every);
}

export interface PlainError {
  code?: string;
  message: string;
  status?: number;
  hint?: string;
}

export function toPlainError(e: unknown): PlainError {
  if (e instanceof OtcError) return { code: e.code, message: e.message, status: e.status, ...(e.hint ? { hint: e.hint } : {}) };
  return { message: e instanceof Error ? e.message : String(e), ...((e as { code?: unknown })?.code ? { code: String((e as { code?: unknown }).code) } : {}) };
}

export function fromPlainError(p: PlainError): Error {
  if (p.code?.startsWith('OTC_')) return new OtcError(p.code, p.message, { ...(p.status !== undefined ? { status: p.status } : {}), ...(p.hint ? { hint: p.hint } : {}) });
  return Object.assign(new Error(p.message), p.code ? { code: p.code } : {});
}

const OUTCOMES = new Set<AuditEntry['outcome']>(['ok', 'refused', 'abstained', 'error', 'started', 'completed']);

/**
 * Whether canonical JSON text may hold a string that is not well-formed: JSON.stringify writes a
 * lone surrogate as a \udXXX escape and NUL as \u0000 (a pair of surrogates is written as is).
 * An escaped backslash followed by such letters also matches: then the slow path, still exact.
 */
const MAYBE_ILL_FORMED = /\\u(?:0000|d[89a-f])/i;

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
      // (text with no escape of a lone surrogate or NUL is well-formed as it is)
      const text = canonicalize(entry.details);
      details = MAYBE_ILL_FORMED.test(text) ? canonicalize(toWellFormedJson(parseJsonText(text))) : text;
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
  // the hash of the record as computeRecordHash(rowToJson(row)) computes it, `details` being
  // canonical text already (not parsed and written again: this runs for every record appended)
  const { hash: _unset, ...covered } = row;
  row.hash = sha256Hex(canonicalize({ ...covered, details: details === null ? null : new CanonicalText(details) }));
  return row;
}

/** A stored row as the JSON record that is hashed and exported (details parsed). */
export function rowToJson(row: AuditRow): AuditRecordJson {
  let details: Record<string, unknown> | null = null;
  if (row.details !== null) {
    try {
      details = parseJsonText(row.details) as Record<string, unknown>;
    } catch {
      details = { __unparseable_details__: row.details }; // tampered text: will not match the hash
    }
  }
  return { ...row, details };
}

export function rowToRecord(row: AuditRow): AuditRecord {
  return recordFromJson(rowToJson(row));
}

/**
 * The rows of `units` on top of `head`, in order, all stamped `ts` (taken under the lock, so ts
 * follows seq on one clock). A unit with an invalid entry is refused alone: the chain goes on
 * from the last unit built. `rows` is every row to store, in seq order.
 */
export function buildUnits(units: readonly AppendUnit[], head: Head, ts: string): { outcomes: UnitOutcome[]; rows: AuditRow[] } {
  const outcomes: UnitOutcome[] = [];
  const rows: AuditRow[] = [];
  let h: { seq: number; hash: string } = head;
  for (const u of units) {
    try {
      const built: AuditRow[] = [];
      let uh = h;
      u.entries.forEach((e, i) => {
        const row = buildRow(e, uh, u.ids[i]!, ts);
        built.push(row);
        uh = row;
      });
      rows.push(...built);
      h = uh;
      outcomes.push({ ok: true, rows: built });
    } catch (e) {
      outcomes.push({ ok: false, error: toPlainError(e) });
    }
  }
  return { outcomes, rows };
}

/** The signed head of the last row, when there is a private key and a row. */
export function signLast(rows: readonly AuditRow[], keys: AuditKeys | undefined): Checkpoint | undefined {
  const last = rows[rows.length - 1];
  if (!last || !keys?.privateKey) return undefined;
  return signCheckpoint(keys, { seq: last.seq, id: last.id, hash: last.hash, ts: last.ts });
}
