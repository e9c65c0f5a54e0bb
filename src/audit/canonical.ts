import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no
 * whitespace, nulls explicit, numbers in ECMAScript shortest form, strings escaped as
 * JSON.stringify does. The same value always gives the same text, whatever the key order it was
 * built with, so its SHA-256 is a stable fingerprint (this matches RFC 8785 for the values the
 * audit log stores).
 *
 * Like JSON.stringify: `undefined` object members are left out, `undefined` in an array is
 * null, objects with toJSON (Date) are serialised through it. Unlike it: NaN/Infinity, bigint,
 * functions and symbols throw, because a fingerprint must not silently change a value.
 */
export function canonicalize(value: unknown): string {
  return write(value, new Set());
}

/**
 * Text that is canonical JSON already (what canonicalize returned), put in a value to be
 * canonicalized as is: canonicalize(JSON.parse(t)) is t for such text, so the parse and the
 * second walk are saved (a record's details, hashed right after they were made canonical).
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  if (value instanceof CanonicalText) return value.text;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`);
      return JSON.stringify(value); // -0 -> "0", shortest round-trip form
    case 'object': {
      const obj = value as { toJSON?: () => unknown };
      if (typeof obj.toJSON === 'function') return write(obj.toJSON(), seen);
      if (seen.has(value)) throw new TypeError('canonical JSON cannot represent a circular structure');
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = '[' + value.map((v) => (v === undefined ? 'null' : write(v, seen))).join(',') + ']';
      } else {
        const rec = value as Record<string, unknown>;
        const keys = Object.keys(rec)
          .filter((k) => rec[k] !== undefined)
          .sort();
        out = '{' + keys.map((k) => JSON.stringify(k) + ':' + write(rec[k], seen)).join(',') + '}';
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A database value made JSON-representable the same way on every driver. */
function normaliseCell(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(normaliseCell);
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = normaliseCell(x);
    return o;
  }
  return v;
}

/**
 * Fingerprint of a query result for AuditEntry.resultHash: SHA-256 (hex) of the canonical JSON of
 * `{columns, rows}` with cells normalised (bigint -> decimal string, Date -> ISO UTC, bytes ->
 * {hex}, NaN/Infinity -> string, undefined -> null). Same columns and rows in the same order ->
 * same hash, so a result shown to a user can be proven later without storing it.
 */
export function hashRows(columns: string[], rows: unknown[][]): string {
  return sha256Hex(canonicalize({ columns: [...columns], rows: rows.map((r) => r.map(normaliseCell)) }));
}

/**
 * hashRows for rows that pass one at a time (a streamed result): add each row as it goes, then
 * digest; the hash is hashRows' for the same columns and rows, without holding the rows.
 */
export function createRowsHasher(columns: string[]): { add(row: unknown[]): void; digest(): string } {
  const hash = createHash('sha256');
  hash.update(`{"columns":${canonicalize([...columns])},"rows":[`, 'utf8');
  let first = true;
  return {
    add(row) {
      hash.update((first ? '' : ',') + canonicalize(row.map(normaliseCell)), 'utf8');
      first = false;
    },
    digest() {
      hash.update(']}', 'utf8');
      return hash.digest('hex');
    },
  };
}
