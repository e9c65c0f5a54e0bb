import { once } from 'node:events';
import { setImmediate } from 'node:timers';
import { randomUUID } from 'node:crypto';
import { parseDbUrl } from '../store/index.js';
import { canonicalize } from './canonical.js';
import { fromPlainError, lineDue, rowToJson, rowToRecord, type AppendResult, type AppendUnit, type LineOutcome } from './append.js';
import {
  EXPORT_COLUMNS,
  exportLine,
  type AuditRecord,
  type VerifyResult,
} from './chain.js';
import { badAuditUrl, badQuery } from './errors.js';
import { parsePruned, PRUNED_KEY, type AuditBackend, type AuditRow, type Head, type PrunedThrough, type RowFilter } from './backend.js';
import { currentRequestId } from '../logging/request-context.js';
import { applyPrivacy, maskSqlLiterals, type AuditPrivacy } from './privacy.js';
import { appendCheckpointLines, type AuditKeys, type Checkpoint } from './signing.js';
import { openSqliteBackend } from './sqlite.js';
import { openPostgresBackend } from './postgres.js';
import { verifyLog } from './verify.js';
import type { AuditEntry, AuditKind } from './types.js';

export interface AuditSearch {
  /** YYYY-MM-DD (start of that UTC day) or an ISO date-time; inclusive. */
  from?: string;
  /** YYYY-MM-DD (the whole UTC day is included) or an ISO date-time; inclusive. */
  to?: string;
  kind?: AuditKind;
  actor?: string;
  outcome?: AuditEntry['outcome'];
  /** The engine / datasource that answered (exact). */
  engine?: string;
  /** Keyset paging: only records older than this seq (pass the last seq of the previous page). */
  beforeSeq?: number;
  /** Only records newer than this seq. */
  afterSeq?: number;
  /** Default newest first. */
  order?: 'asc' | 'desc';
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

/**
 * The key held outside the store. With a private key, every append signs the new head anchor and
 * signed checkpoints are written to `checkpointFile` (and handed to `onCheckpoint`, e.g. the
 * application log). With only the public key (a verifier), `verify` checks them.
 */
export interface AuditIntegrity {
  keys: AuditKeys;
  /** Append-only file of signed checkpoints, kept outside the audit store. */
  checkpointFile?: string;
  /** Write a checkpoint every N records (default 1; the last one is written at close too). */
  checkpointEvery?: number;
  onCheckpoint?: (cp: Checkpoint) => void;
  /** A checkpoint could not be written (the record itself is stored). */
  onError?: (e: unknown) => void;
}

/** What an export wrote: the summary a signed manifest is made of. */
export interface ExportSummary {
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstPrevHash: string | null;
  firstHash: string | null;
  lastHash: string | null;
}

export interface ExportRange {
  from?: string;
  to?: string;
  /** Inclusive seq bounds (archiving). */
  fromSeq?: number;
  toSeq?: number;
  /**
   * The search filters an auditor applied (the Audit page exports what it shows). A filtered
   * export is a selection: its records are not consecutive, so it proves each record's own hash
   * and link, not the chain's completeness (export the whole range for that).
   */
  kind?: string;
  actor?: string;
  outcome?: string;
  engine?: string;
  text?: string;
}

export interface AppendOptions {
  /**
   * When the append resolves: 'checkpointed' (default) once the records are committed and the
   * signed checkpoint line of their transaction is written; 'committed' once they are committed
   * (a question's SQL before it runs: its run record, appended next, resolves only after a line
   * covering both is written, the lines going in seq order).
   */
  until?: 'checkpointed' | 'committed';
}

export interface AuditLog {
  readonly kind: 'sqlite' | 'postgres';
  /** Appends one record. Serialised: concurrent appends (any number of processes) never fork the chain. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Appends records in one transaction, through the same chain code (bulk loads, benchmarks). */
  appendMany(entries: AuditEntry[], opts?: AppendOptions): Promise<AuditRecord[]>;
  /**
   * appendMany without the records handed back (a run's trail, several per question): the same
   * transaction, chain, privacy and `until`, but no record text comes back from the writer
   * thread and none is built on the caller's thread.
   */
  record(entries: AuditEntry[], opts?: AppendOptions): Promise<void>;
  /** The head anchor as stored. */
  head(): Promise<Head>;
  prunedThrough(): Promise<PrunedThrough | undefined>;
  /** Deletes records up to `p.seq` (see retention.ts, which archives and records the prune first). */
  pruneThrough(p: PrunedThrough): Promise<number>;
  /** Like exportRange, with what a signed manifest needs. */
  exportWithSummary(q: ExportRange, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<ExportSummary>;
  /** One record by seq (undefined when absent or pruned). */
  at(seq: number): Promise<AuditRecord | undefined>;
  /** Walks the chain in seq order and compares its end with the head anchor (audit_meta). */
  verify(opts?: VerifyOptions): Promise<VerifyResult>;
  /** Newest first. */
  search(q: AuditSearch): Promise<AuditRecord[]>;
  /** Writes the records of the range in seq order (with prev_hash and hash); returns how many. */
  exportRange(q: { from?: string; to?: string }, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<number>;
  close(): Promise<void>;
}

const PAGE = 1000;
/** Records written in one transaction at most (group commit). */
const MAX_BATCH_RECORDS = 512;

export { buildRow, rowToJson, rowToRecord } from './append.js';


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

/**
 * One CSV cell, reversibly: null is an empty cell, an empty string `""`; a spreadsheet would run
 * a text cell starting with = + - @ as a formula, so such text (and text starting with ', so
 * that the mark can be taken off again) gets a leading '. csv.ts reads it back exactly.
 */
export function csvCell(v: unknown, text: boolean): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'object' ? canonicalize(v) : String(v);
  if (text && /^[=+\-@\t\r']/.test(s)) s = "'" + s;
  return s === '' || /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
const CSV_NUMERIC = new Set(['seq', 'duration_ms', 'row_count']);

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** The HTTP request being handled (src/logging/request-context.ts), as `details.request_id`. */
function withRequestId(e: AuditEntry): AuditEntry {
  const requestId = currentRequestId();
  if (!requestId || (e.details && 'request_id' in e.details)) return e;
  return { ...e, details: { ...(e.details ?? {}), request_id: requestId } };
}

/**
 * Resolves in the check phase of the event loop's current turn, after the callbacks of its poll
 * phase (node:timers' own setImmediate: a test's fake timers never hold the audit log up).
 */
const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Queued {
  unit: AppendUnit;
  /** Resolved at commit, not after the checkpoint line (AppendOptions.until 'committed'). */
  atCommit?: boolean;
  /** The unit's rows (none for a bare unit). */
  resolve: (rows: AuditRow[]) => void;
  reject: (e: unknown) => void;
}

class DbAuditLog implements AuditLog {
  /** The last signed head not yet written to the checkpoint file (checkpointEvery > 1). */
  private pending: Checkpoint | undefined;
  /** Appends waiting for the next transaction (group commit). */
  private queue: Queued[] = [];
  private draining = false;
  private writing: Promise<void> = Promise.resolve();
  /** Checkpoint lines are written in order, each after its records are committed (group-written: writeCheckpoint). */
  private checkpoints: Promise<void> = Promise.resolve();
  private checkpointQueue: { cp: Checkpoint; done: () => void }[] = [];
  private checkpointsDraining = false;
  /** Lines the backend writes itself (SQLite writer thread) still on their way. */
  private backendLines: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: AuditBackend,
    private readonly integrity: AuditIntegrity | undefined,
    private readonly privacy: AuditPrivacy | undefined,
  ) {}

  get kind() {
    return this.backend.kind;
  }

  /**
   * Checkpoint lines are group-written too: the lines of the transactions committed while the
   * previous write + fsync was on its way go together in the next one (one fsync each was the
   * bound of a busy server's throughput once the records were group-committed, issue 14 item 7).
   * Each line is still written in order, and after its records are committed.
   */
  private writeCheckpoint(cp: Checkpoint): Promise<void> {
    const integ = this.integrity;
    if (!integ) return Promise.resolve();
    const mine = new Promise<void>((resolve) => this.checkpointQueue.push({ cp, done: resolve }));
    if (!this.checkpointsDraining) {
      this.checkpointsDraining = true;
      this.checkpoints = this.drainCheckpoints(integ);
    }
    return mine;
  }

  private async drainCheckpoints(integ: AuditIntegrity): Promise<void> {
    try {
      while (this.checkpointQueue.length) {
        const batch = this.checkpointQueue.splice(0, this.checkpointQueue.length);
        try {
          if (integ.checkpointFile) await appendCheckpointLines(integ.checkpointFile, batch.map((b) => b.cp));
          for (const b of batch) integ.onCheckpoint?.(b.cp);
          const last = batch[batch.length - 1]!.cp;
          if (this.pending && this.pending.seq <= last.seq) this.pending = undefined;
        } catch (e) {
          integ.onError?.(e);
        }
        for (const b of batch) b.done();
      }
    } finally {
      this.checkpointsDraining = false; // same turn as the last look at the queue: no line is left behind
    }
  }

  /** After a transaction is committed: its checkpoint line when the batch crossed a boundary, else kept as pending. */
  private afterCommit(result: AppendResult): Promise<void> {
    const cp = result.checkpoint;
    if (!cp) return Promise.resolve();
    if (lineDue(result, this.integrity?.checkpointEvery ?? 1)) return this.writeCheckpoint(cp);
    if (!this.pending || cp.seq > this.pending.seq) this.pending = cp;
    return Promise.resolve();
  }

  /** The backend wrote (or did not need, or failed to write) the transaction's line itself. */
  private afterLine(result: AppendResult, o: LineOutcome): void {
    const cp = result.checkpoint;
    const integ = this.integrity;
    if (!cp || !integ) return;
    if ('error' in o) integ.onError?.(fromPlainError(o.error));
    else if (o.written) {
      integ.onCheckpoint?.(cp);
      if (this.pending && this.pending.seq <= cp.seq) this.pending = undefined;
    } else if (!this.pending || cp.seq > this.pending.seq) this.pending = cp;
  }

  /**
   * Group commit: appends that arrive while a transaction is on its way to disk go together in
   * the next one, so the log flushes once per batch instead of once per record (a few
   * milliseconds of fsync each; with three records per question this was the bound of the
   * server's throughput, issue 14 item 7). A batch is taken at the end of the event loop's turn
   * (setImmediate), not at the first append: the appends of every request, query result and
   * reply handled in the same turn go in one transaction, where the first used to go alone and
   * the others waited for the next (each transaction costs its commit, its pages of every index
   * and its signed checkpoint line). Each append still resolves only when its own records
   * are committed (and their checkpoint written), in the order appends were called; an invalid
   * entry fails its own append only.
   */
  private enqueue(unit: AppendUnit, atCommit = false): Promise<AuditRow[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject, ...(atCommit ? { atCommit } : {}) });
      if (!this.draining) {
        this.draining = true;
        this.writing = this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      do {
        await endOfTurn(); // what the rest of this turn appends joins the batch
        let n = 0;
        let records = 0;
        while (n < this.queue.length && (n === 0 || records + this.queue[n]!.unit.entries.length <= MAX_BATCH_RECORDS)) records += this.queue[n++]!.unit.entries.length;
        await this.write(this.queue.splice(0, n));
      } while (this.queue.length);
    } finally {
      this.draining = false; // in the same turn as the last look at the queue: no append is left behind
    }
  }

  private async write(batch: Queued[]): Promise<void> {
    let result: AppendResult & { line?: Promise<LineOutcome> };
    try {
      result = await this.backend.appendUnits(
        batch.map((b) => b.unit),
        batch.some((b) => b.atCommit),
      );
    } catch (e) {
      // The transaction failed as a whole (not one invalid entry): each unit alone, so one that
      // cannot be stored fails by itself.
      if (batch.length === 1) batch[0]!.reject(e);
      else for (const b of batch) await this.write([b]);
      return;
    }
    const line = result.line;
    let flushed: Promise<void>;
    if (line) {
      flushed = line.then((o) => this.afterLine(result, o));
      const before = this.backendLines;
      this.backendLines = Promise.all([before, flushed]).then(() => undefined);
    } else flushed = this.afterCommit(result);
    const settle = (i: number) => {
      const o = result.outcomes[i]!;
      if (o.ok) batch[i]!.resolve('rows' in o ? o.rows : []);
      else batch[i]!.reject(fromPlainError(o.error));
    };
    // appends that asked for the commit only resolve now; the next transaction starts while the
    // checkpoint line is written, and the other appends resolve after it
    batch.forEach((b, i) => b.atCommit && settle(i));
    void flushed.then(() => batch.forEach((b, i) => !b.atCommit && settle(i)));
  }

  /** The entries as kept under the privacy settings (SQL literals masked across the group). */
  private kept(given: AuditEntry[]): AuditEntry[] {
    const entries = given.map((e) => withRequestId(applyPrivacy(e, this.privacy)));
    return this.privacy?.sqlLiterals === 'strings' ? maskSqlLiterals(entries) : entries;
  }

  async append(given: AuditEntry): Promise<AuditRecord> {
    const [row] = await this.enqueue({ entries: this.kept([given]), ids: [randomUUID()] });
    return rowToRecord(row!);
  }

  async appendMany(given: AuditEntry[], opts: AppendOptions = {}): Promise<AuditRecord[]> {
    if (!given.length) return [];
    const entries = this.kept(given);
    const rows = await this.enqueue({ entries, ids: entries.map(() => randomUUID()) }, opts.until === 'committed');
    return rows.map(rowToRecord);
  }

  async record(given: AuditEntry[], opts: AppendOptions = {}): Promise<void> {
    if (!given.length) return;
    const entries = this.kept(given);
    await this.enqueue({ entries, ids: entries.map(() => randomUUID()), bare: true }, opts.until === 'committed');
  }

  async head(): Promise<Head> {
    return this.backend.snapshot(async (s) => {
      const h = await s.head();
      if (!h) throw badQuery('the audit head anchor (audit_meta) is missing or unreadable; run `otc-copilot audit verify`');
      return h;
    });
  }

  async prunedThrough(): Promise<PrunedThrough | undefined> {
    return parsePruned(await this.backend.meta(PRUNED_KEY));
  }

  pruneThrough(p: PrunedThrough): Promise<number> {
    return this.backend.prune(p);
  }

  async at(seq: number): Promise<AuditRecord | undefined> {
    const rows = await this.backend.select({ afterSeq: seq - 1, toSeq: seq }, 'asc', 1, 0);
    return rows[0] ? rowToRecord(rows[0]) : undefined;
  }

  verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    return verifyLog(this.backend, this.integrity, opts);
  }

  async search(q: AuditSearch): Promise<AuditRecord[]> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badQuery('limit must be an integer from 1 to 1000');
    if (!Number.isInteger(offset) || offset < 0) throw badQuery('offset must be a non-negative integer');
    if (q.beforeSeq !== undefined && (!Number.isSafeInteger(q.beforeSeq) || q.beforeSeq < 1)) throw badQuery('beforeSeq must be a positive integer');
    const f: RowFilter = { ...rangeOf(q) };
    if (q.kind) f.kind = q.kind;
    if (q.actor) f.actor = q.actor;
    if (q.outcome) f.outcome = q.outcome;
    if (q.engine) f.engine = q.engine;
    if (q.beforeSeq !== undefined) f.beforeSeq = q.beforeSeq;
    if (q.afterSeq !== undefined) f.afterSeq = q.afterSeq;
    if (q.correlationId) f.correlationId = q.correlationId;
    if (q.text) f.text = q.text;
    const rows = await this.backend.select(f, q.order === 'asc' ? 'asc' : 'desc', limit, offset);
    return rows.map(rowToRecord);
  }

  async exportRange(q: ExportRange, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<number> {
    return (await this.exportWithSummary(q, format, out)).count;
  }

  async exportWithSummary(q: ExportRange, format: 'jsonl' | 'csv', out: NodeJS.WritableStream): Promise<ExportSummary> {
    if (format !== 'jsonl' && format !== 'csv') throw badQuery(`format must be jsonl or csv, not "${String(format)}"`);
    const range = rangeOf(q);
    const sum: ExportSummary = { count: 0, firstSeq: null, lastSeq: null, firstPrevHash: null, firstHash: null, lastHash: null };
    let afterSeq = Math.max(0, (q.fromSeq ?? 1) - 1);
    if (format === 'csv') await write(out, EXPORT_COLUMNS.join(',') + '\r\n');
    for (;;) {
      const filters = { ...(q.kind ? { kind: q.kind } : {}), ...(q.actor ? { actor: q.actor } : {}), ...(q.outcome ? { outcome: q.outcome } : {}), ...(q.engine ? { engine: q.engine } : {}), ...(q.text ? { text: q.text } : {}) };
      const rows = await this.backend.select({ ...range, ...filters, afterSeq, ...(q.toSeq !== undefined ? { toSeq: q.toSeq } : {}) }, 'asc', PAGE, 0);
      if (!rows.length) break;
      let chunk = '';
      for (const row of rows) {
        const j = rowToJson(row);
        if (format === 'jsonl') chunk += exportLine(j) + '\n';
        else chunk += EXPORT_COLUMNS.map((c) => csvCell(j[c], !CSV_NUMERIC.has(c))).join(',') + '\r\n';
      }
      await write(out, chunk);
      if (sum.firstSeq === null) {
        sum.firstSeq = rows[0]!.seq;
        sum.firstPrevHash = rows[0]!.prev_hash;
        sum.firstHash = rows[0]!.hash;
      }
      sum.count += rows.length;
      afterSeq = rows[rows.length - 1]!.seq;
      sum.lastSeq = afterSeq;
      sum.lastHash = rows[rows.length - 1]!.hash;
      if (rows.length < PAGE) break;
    }
    return sum;
  }

  async close(): Promise<void> {
    await this.writing;
    await this.backendLines;
    await this.checkpoints;
    if (this.pending) await this.writeCheckpoint(this.pending);
    return this.backend.close();
  }
}

/**
 * Opens the audit log at `url`: `sqlite:PATH` or `postgres://…[?schema=NAME]`, creating its
 * tables (and a SQLite file's folder) unless `create: false` (readers such as `audit verify`:
 * a mistyped location must not look like an empty, intact log). `integrity`: the key held
 * outside the store (see README.md, "Integrity that does not trust the store").
 * Errors: OTC_ERR_BAD_AUDIT_URL, OTC_ERR_AUDIT_UNREACHABLE, OTC_ERR_AUDIT_NOT_FOUND.
 */
export async function openAuditLog(url: string, opts: { create?: boolean; integrity?: AuditIntegrity; privacy?: AuditPrivacy } = {}): Promise<AuditLog> {
  const target = parseDbUrl(url, badAuditUrl);
  const create = opts.create ?? true;
  const keys = opts.integrity?.keys.privateKey ? opts.integrity.keys : undefined;
  const lines = keys && opts.integrity?.checkpointFile ? { file: opts.integrity.checkpointFile, every: opts.integrity.checkpointEvery ?? 1 } : undefined;
  const backend = target.kind === 'sqlite' ? await openSqliteBackend(target.path, create, keys, lines) : await openPostgresBackend(target, create, keys);
  return new DbAuditLog(backend, opts.integrity, opts.privacy);
}
