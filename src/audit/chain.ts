/**
 * The hash chain: what a record's hash covers, how exported records look, and the checks that
 * find the first broken record. Pure functions: used by the database-backed log and offline
 * on exported files.
 */
import { OtcError } from '../shared/errors.js';
import { canonicalize, sha256Hex } from './canonical.js';
import { AuditErrorCode } from './errors.js';
import type { AuditEntry, AuditKind } from './types.js';
import { parseJsonText } from '../shared/json-text.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord extends AuditEntry {
  id: string;
  /** 1, 2, 3… without gaps. */
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  ts: string;
  /** `hash` of the record before (64 zeros for record 1). */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of every other field, `prev_hash` included. */
  hash: string;
}

/**
 * The record as stored, hashed and exported: snake_case, every field present, null when absent,
 * `details` as a JSON value. `hash` = sha256(canonicalize(all fields except hash)).
 */
export interface AuditRecordJson {
  seq: number;
  id: string;
  ts: string;
  kind: string;
  actor: string;
  outcome: string;
  question: string | null;
  sql: string | null;
  engine: string | null;
  duration_ms: number | null;
  row_count: number | null;
  result_hash: string | null;
  correlation_id: string | null;
  details: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export const EXPORT_COLUMNS = [
  'seq', 'id', 'ts', 'kind', 'actor', 'outcome', 'question', 'sql', 'engine', 'duration_ms', 'row_count',
  'result_hash', 'correlation_id', 'details', 'prev_hash', 'hash',
] as const satisfies readonly (keyof AuditRecordJson)[];

export function recordToJson(r: AuditRecord): AuditRecordJson {
  return {
    seq: r.seq,
    id: r.id,
    ts: r.ts,
    kind: r.kind,
    actor: r.actor,
    outcome: r.outcome,
    question: r.question ?? null,
    sql: r.sql ?? null,
    engine: r.engine ?? null,
    duration_ms: r.durationMs ?? null,
    row_count: r.rowCount ?? null,
    result_hash: r.resultHash ?? null,
    correlation_id: r.correlationId ?? null,
    details: r.details ?? null,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

export function recordFromJson(j: AuditRecordJson): AuditRecord {
  const r: AuditRecord = {
    id: j.id,
    seq: j.seq,
    ts: j.ts,
    kind: j.kind as AuditKind,
    actor: j.actor,
    outcome: j.outcome as AuditEntry['outcome'],
    prevHash: j.prev_hash,
    hash: j.hash,
  };
  if (j.question !== null) r.question = j.question;
  if (j.sql !== null) r.sql = j.sql;
  if (j.engine !== null) r.engine = j.engine;
  if (j.duration_ms !== null) r.durationMs = j.duration_ms;
  if (j.row_count !== null) r.rowCount = j.row_count;
  if (j.result_hash !== null) r.resultHash = j.result_hash;
  if (j.correlation_id !== null) r.correlationId = j.correlation_id;
  if (j.details !== null) r.details = j.details;
  return r;
}

/** The hash a record must carry, computed from its fields (the stored `hash` is ignored). */
export function computeRecordHash(r: AuditRecord | AuditRecordJson): string {
  const j = 'prev_hash' in r ? r : recordToJson(r);
  const { hash: _ignored, ...covered } = j;
  return sha256Hex(canonicalize(covered));
}

export interface BrokenAt {
  seq: number;
  id: string;
  reason: string;
}
/** The last signed checkpoint `verify` could check (a signed head or a line of the checkpoint file). */
export interface CheckedCheckpoint {
  seq: number;
  hash: string;
  ts: string;
  keyId: string;
  source: 'head' | 'file';
}

export type VerifyResult =
  | {
      ok: true;
      count: number;
      headHash: string;
      headSeq: number;
      /** With a key configured: the last signed checkpoint checked (absent: none yet, the chain is unauthenticated). */
      lastCheckpoint?: CheckedCheckpoint;
      /** With a key configured: records after this seq are not covered by a signed checkpoint (absent: all are). */
      unsignedAfter?: number;
      /** Records up to this seq were archived and pruned (a prune record carries the chain across). */
      prunedThrough?: number;
    }
  | { ok: false; count: number; brokenAt: BrokenAt };

/** What the checks need of one record. `computed` is the hash recomputed from its fields. */
export interface ChainItem {
  seq: number;
  id: string;
  prevHash: string;
  hash: string;
  computed: string;
  /** The stored details text is not the canonical JSON it was hashed from (e.g. a duplicated key). */
  nonCanonical?: boolean;
}

export interface ChainState {
  /** The last record found intact (seq 0 / GENESIS_HASH before record 1). */
  prev?: { seq: number; id: string; hash: string };
  /** When `prev` is unknown (an exported range): the seq the first record must have, if known. */
  firstSeq?: number;
  /** When `prev` is unknown: the prev_hash the first record must carry, if known. */
  firstPrevHash?: string;
  count: number;
}

/**
 * Checks `cur` against the state; `next` (the record after it, if any) only serves to tell
 * a reordering from a deletion or a forged link. Returns where the chain breaks, or advances
 * the state and returns undefined.
 */
export function checkNext(state: ChainState, cur: ChainItem, next: ChainItem | undefined): BrokenAt | undefined {
  const expectedSeq = state.prev ? state.prev.seq + 1 : state.firstSeq;
  const at = (reason: string): BrokenAt => ({ seq: cur.seq, id: cur.id, reason });
  if (!Number.isSafeInteger(cur.seq) || cur.seq < 1) return at(`record with id ${cur.id} has an invalid sequence number`);
  if (expectedSeq !== undefined && cur.seq !== expectedSeq) {
    if (cur.seq < expectedSeq || next?.seq === expectedSeq) return at(`records out of order at ${cur.seq}`);
    return at(`sequence gap before record ${cur.seq} (a record was deleted)`);
  }
  const expectedPrev = state.prev ? state.prev.hash : state.firstPrevHash;
  const linked = expectedPrev === undefined || cur.prevHash === expectedPrev;
  const intact = cur.computed === cur.hash;
  if (!linked) {
    if (next && (next.prevHash === expectedPrev || cur.prevHash === next.hash)) return at(`records out of order at ${cur.seq}`);
    return at(`record ${cur.seq} does not follow record ${cur.seq - 1} (prev_hash mismatch)`);
  }
  if (!intact) return at(`record ${cur.seq} was modified (hash mismatch)`);
  if (cur.nonCanonical) return at(`record ${cur.seq} was modified (its stored details are not the canonical JSON that was hashed: a duplicated key or another encoding)`);
  state.prev = { seq: cur.seq, id: cur.id, hash: cur.hash };
  state.count += 1;
  return undefined;
}

/**
 * Offline verification of exported records (in file order). The first record's prev_hash is
 * checked against `expectedPrevHash` when given (a range starting at record 1 must start from
 * 64 zeros); `expectedHead`, when given, must be the hash of the last record (an anchor kept
 * elsewhere, e.g. printed by `audit verify`).
 */
export function verifyExportedRecords(
  records: AuditRecord[],
  opts: { expectedPrevHash?: string; expectedHeadHash?: string } = {},
): VerifyResult {
  const first = records[0];
  const state: ChainState = {
    count: 0,
    ...(first ? { firstSeq: first.seq } : {}),
    ...(opts.expectedPrevHash !== undefined
      ? { firstPrevHash: opts.expectedPrevHash }
      : first?.seq === 1
        ? { firstPrevHash: GENESIS_HASH }
        : {}),
  };
  const items = records.map(toItem);
  for (let i = 0; i < items.length; i++) {
    const broken = checkNext(state, items[i]!, items[i + 1]);
    if (broken) return { ok: false, count: state.count, brokenAt: broken };
  }
  const head = state.prev;
  if (opts.expectedHeadHash !== undefined && head?.hash !== opts.expectedHeadHash) {
    return {
      ok: false,
      count: state.count,
      brokenAt: { seq: head?.seq ?? 0, id: head?.id ?? '', reason: `the last record${head ? ` (${head.seq})` : ''} does not carry the expected head hash` },
    };
  }
  return { ok: true, count: state.count, headHash: head?.hash ?? opts.expectedPrevHash ?? GENESIS_HASH, headSeq: head?.seq ?? 0 };
}

function toItem(r: AuditRecord): ChainItem {
  let computed: string;
  try {
    computed = computeRecordHash(r);
  } catch {
    computed = ''; // a value canonical JSON cannot hold: cannot be what was hashed
  }
  return { seq: r.seq, id: r.id, prevHash: r.prevHash, hash: r.hash, computed };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses one exported JSONL line (snake_case fields) into a record; throws naming the line. */
export function parseExportedLine(line: string, lineNo: number): AuditRecord {
  const fail = (why: string) =>
    new OtcError(AuditErrorCode.ExportInvalid, `line ${lineNo} of the export is not an audit record: ${why}`, { status: 400 });
  let o: unknown;
  try {
    o = parseJsonText(line);
  } catch {
    throw fail('not valid JSON');
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw fail('not a JSON object');
  const j = o as Record<string, unknown>;
  for (const c of EXPORT_COLUMNS) if (!(c in j)) throw fail(`field "${c}" is missing`);
  for (const c of ['id', 'ts', 'kind', 'actor', 'outcome', 'prev_hash', 'hash'] as const) {
    if (typeof j[c] !== 'string') throw fail(`field "${c}" must be a string`);
  }
  if (typeof j.seq !== 'number' || !Number.isSafeInteger(j.seq)) throw fail('field "seq" must be an integer');
  for (const c of ['question', 'sql', 'engine', 'result_hash', 'correlation_id'] as const) {
    if (j[c] !== null && typeof j[c] !== 'string') throw fail(`field "${c}" must be a string or null`);
  }
  for (const c of ['duration_ms', 'row_count'] as const) {
    if (j[c] !== null && typeof j[c] !== 'number') throw fail(`field "${c}" must be a number or null`);
  }
  if (j.details !== null && (typeof j.details !== 'object' || Array.isArray(j.details))) throw fail('field "details" must be an object or null');
  if (!HEX64.test(j.prev_hash as string) || !HEX64.test(j.hash as string)) throw fail('prev_hash and hash must be 64 hex digits');
  // One encoding: the line must be exactly what the export writes (no duplicated key whose
  // first copy another reader would see, no reordered or extra members).
  if (exportLine(j as unknown as AuditRecordJson) !== line) throw fail('not in the exact form the export writes (a duplicated or extra key, or another encoding)');
  return recordFromJson(j as unknown as AuditRecordJson);
}

/** One exported JSONL line (no newline): the columns in export order, details in canonical key order. */
export function exportLine(j: AuditRecordJson): string {
  const parts = EXPORT_COLUMNS.map((c) => {
    const v = j[c];
    return JSON.stringify(c) + ':' + (v === null || v === undefined ? 'null' : c === 'details' ? canonicalize(v) : JSON.stringify(v));
  });
  return '{' + parts.join(',') + '}';
}

/** Parses a whole JSONL export (blank lines ignored). */
export function parseExportedJsonl(text: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim()) out.push(parseExportedLine(line, i + 1));
  });
  return out;
}
