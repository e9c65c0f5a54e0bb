/**
 * Signed exports: a range written as JSONL or CSV (every field, prev_hash and hash) plus a
 * manifest (range, count, first and last hash, the chain's signed anchor, the file's SHA-256)
 * signed with the Ed25519 audit key. `verifySignedExport` checks both offline with the public
 * key alone and names the first bad record.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { OtcError } from '../shared/errors.js';
import { EXPORT_COLUMNS, parseExportedJsonl, recordFromJson, verifyExportedRecords, type AuditRecord, type AuditRecordJson, type VerifyResult } from './chain.js';
import { AuditErrorCode } from './errors.js';
import type { AuditLog, ExportRange, ExportSummary } from './log.js';
import { manifestSignatureOk, signManifest, type AuditKeys, type Checkpoint } from './signing.js';
import { parseJsonText } from '../shared/json-text.js';

export interface ExportManifest {
  version: 1;
  file: string;
  format: 'jsonl' | 'csv';
  range: { from: string | null; to: string | null; from_seq: number | null; to_seq: number | null };
  count: number;
  first_seq: number | null;
  last_seq: number | null;
  first_prev_hash: string | null;
  first_hash: string | null;
  last_hash: string | null;
  /** The head of the chain when the export was made (signed when the log has a key). */
  anchor: { seq: number; hash: string; signed: Checkpoint | null };
  file_sha256: string;
  created_at: string;
  key_id: string;
  sig: string;
}

export const manifestPathOf = (file: string) => `${file}.manifest.json`;

/** Hashes what passes through on its way to `out`. */
class HashingWritable extends Writable {
  readonly hash = createHash('sha256');
  constructor(private readonly out: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.hash.update(chunk);
    if (this.out.write(chunk)) cb();
    else this.out.once('drain', () => cb());
  }
}

/**
 * Writes the range to `file` (through a temporary file renamed at the end) and its signed
 * manifest beside it; appends an `audit_export` record saying what was exported.
 */
export async function writeSignedExport(
  log: AuditLog,
  keys: AuditKeys,
  q: ExportRange,
  format: 'jsonl' | 'csv',
  file: string,
  actor: string,
): Promise<{ manifest: ExportManifest; summary: ExportSummary }> {
  const head = await log.head();
  const tmp = `${file}.partial-${process.pid}`;
  const fileOut = createWriteStream(tmp, { mode: 0o600 });
  let summary: ExportSummary;
  let sha: string;
  try {
    await new Promise<void>((res, rej) => fileOut.once('open', () => res()).once('error', rej));
    const h = new HashingWritable(fileOut);
    summary = await log.exportWithSummary(q, format, h);
    await new Promise<void>((res, rej) => h.end((e?: Error | null) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => fileOut.end((e?: Error | null) => (e ? rej(e) : res())));
    sha = h.hash.digest('hex');
    renameSync(tmp, file);
  } catch (e) {
    fileOut.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
  const manifest = signManifest(keys, {
    version: 1 as const,
    file: basename(file),
    format,
    range: { from: q.from ?? null, to: q.to ?? null, from_seq: q.fromSeq ?? null, to_seq: q.toSeq ?? null },
    count: summary.count,
    first_seq: summary.firstSeq,
    last_seq: summary.lastSeq,
    first_prev_hash: summary.firstPrevHash,
    first_hash: summary.firstHash,
    last_hash: summary.lastHash,
    anchor: { seq: head.seq, hash: head.hash, signed: head.signed ?? null },
    file_sha256: sha,
    created_at: new Date().toISOString(),
  }) as ExportManifest;
  writeFileSync(manifestPathOf(file), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await log.append({
    kind: 'audit_export',
    actor,
    outcome: 'completed',
    details: {
      file: manifest.file,
      format,
      range: manifest.range,
      count: summary.count,
      first_seq: summary.firstSeq,
      last_seq: summary.lastSeq,
      last_hash: summary.lastHash,
      file_sha256: sha,
      manifest_sig: manifest.sig,
    },
  });
  return { manifest, summary };
}

/** Splits CSV text (RFC 4180) into rows of cells; a quoted cell is marked so "" differs from an empty cell. */
function parseCsv(text: string): { value: string; quoted: boolean }[][] {
  const rows: { value: string; quoted: boolean }[][] = [];
  let row: { value: string; quoted: boolean }[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted cell');
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') value += text[i++];
    }
    row.push({ value, quoted });
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  return rows;
}

const CSV_NUMERIC = new Set<string>(['seq', 'duration_ms', 'row_count']);

/** Reads a CSV export back into records, exactly (see csvCell in log.ts); throws naming the line. */
export function parseExportedCsv(text: string): AuditRecord[] {
  const fail = (line: number, why: string) => new OtcError(AuditErrorCode.ExportInvalid, `line ${line} of the export is not an audit record: ${why}`, { status: 400 });
  let rows: { value: string; quoted: boolean }[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw fail(0, (e as Error).message);
  }
  if (rows[0]?.map((c) => c.value).join(',') !== EXPORT_COLUMNS.join(',')) throw fail(1, 'the header is not the export header');
  const out: AuditRecord[] = [];
  rows.slice(1).forEach((cells, k) => {
    const line = k + 2;
    if (cells.length === 1 && cells[0]!.value === '' && !cells[0]!.quoted) return; // a blank line
    if (cells.length !== EXPORT_COLUMNS.length) throw fail(line, `${cells.length} cells, not ${EXPORT_COLUMNS.length}`);
    const j: Record<string, unknown> = {};
    EXPORT_COLUMNS.forEach((c, i) => {
      const { value, quoted } = cells[i]!;
      if (value === '' && !quoted) j[c] = null;
      else if (CSV_NUMERIC.has(c)) {
        if (!/^\d+$/.test(value)) throw fail(line, `"${c}" is not a number`);
        j[c] = Number(value);
      } else j[c] = value.startsWith("'") ? value.slice(1) : value;
    });
    if (j.details !== null) {
      try {
        j.details = parseJsonText(j.details as string);
      } catch {
        throw fail(line, '"details" is not JSON');
      }
    }
    for (const c of ['seq', 'id', 'ts', 'kind', 'actor', 'outcome', 'prev_hash', 'hash']) if (j[c] === null) throw fail(line, `"${c}" is empty`);
    out.push(recordFromJson(j as unknown as AuditRecordJson));
  });
  return out;
}

export type FileVerdict = VerifyResult & { signed: boolean; manifest?: ExportManifest };

/**
 * Checks an export offline. With a manifest: its signature with the public key first (refused
 * when it does not verify), then every record's hash and link (the first bad one named, the
 * first record linked to the manifest's first_prev_hash), then count, last hash and the file's
 * SHA-256 against the manifest.
 */
export function verifySignedExport(file: string, opts: { manifestFile?: string; keys?: AuditKeys; expectedPrevHash?: string; expectedHeadHash?: string }): FileVerdict {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const manifestFile = opts.manifestFile ?? manifestPathOf(file);
  const hasManifest = opts.manifestFile !== undefined || existsSync(manifestFile);
  let manifest: ExportManifest | undefined;
  if (hasManifest) {
    if (!opts.keys) throw new OtcError(AuditErrorCode.BadKey, `${manifestFile} is signed: give the audit public key (--public-key FILE or OTC_AUDIT_PUBLIC_KEY_FILE) to check it`, { status: 400 });
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ExportManifest;
    } catch (e) {
      throw new OtcError(AuditErrorCode.ExportInvalid, `cannot read the manifest ${manifestFile}: ${(e as Error).message}`, { status: 400 });
    }
    if (!manifest || typeof manifest !== 'object' || manifest.key_id !== opts.keys.keyId || !manifestSignatureOk(opts.keys, manifest as unknown as Record<string, unknown>)) {
      throw new OtcError(AuditErrorCode.ExportSignature, `the manifest ${manifestFile} is not signed by this key (key ${opts.keys.keyId}): the export is not trusted`, { status: 400 });
    }
  }
  const format = manifest?.format ?? (file.endsWith('.csv') ? 'csv' : 'jsonl');
  const records = format === 'csv' ? parseExportedCsv(text) : parseExportedJsonl(text);
  const prev = opts.expectedPrevHash ?? manifest?.first_prev_hash ?? undefined;
  const headHash = opts.expectedHeadHash ?? manifest?.last_hash ?? undefined;
  const v = verifyExportedRecords(records, { ...(prev ? { expectedPrevHash: prev } : {}), ...(headHash ? { expectedHeadHash: headHash } : {}) });
  if (!v.ok || !manifest) return { ...v, signed: !!manifest, ...(manifest ? { manifest } : {}) };
  const bad = (reason: string): FileVerdict => ({ ok: false, count: v.count, brokenAt: { seq: v.headSeq, id: '', reason }, signed: true, manifest });
  if (records.length !== manifest.count) return bad(`the file holds ${records.length} records, the signed manifest ${manifest.count}`);
  if ((records[0]?.seq ?? null) !== manifest.first_seq) return bad(`the first record is #${records[0]?.seq}, the signed manifest says #${manifest.first_seq}`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.file_sha256) return bad('the file bytes differ from the signed manifest (SHA-256) although every record verifies: lines were re-encoded or text added');
  return { ...v, signed: true, manifest };
}
