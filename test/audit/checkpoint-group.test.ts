/**
 * Checkpoint lines (issue 14 item 7). Every transaction has its signed line, in seq order, and an
 * append resolves only once the line covering its record is in the file; `until: 'committed'`
 * resolves at the commit.
 * - SQLite: the writer thread writes each transaction's line right after its commit (no round of
 *   the server's event loop per file operation): the main thread's writer is not used at all.
 * - PostgreSQL (the log writes the lines): they are group-written: while one write + fsync of
 *   the file is on its way, the lines of the transactions committed meanwhile wait and go
 *   together in the next write. Runs in CI; elsewhere skipped when PostgreSQL is not reachable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const writes: number[] = [];
vi.mock('../../src/audit/signing.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/audit/signing.js')>();
  return {
    ...orig,
    // a slow disk: each write + fsync of the checkpoint file by the main thread takes 40 ms more
    appendCheckpointLines: async (file: string, cs: Parameters<typeof orig.appendCheckpointLines>[1]) => {
      writes.push(cs.length);
      await new Promise((r) => setTimeout(r, 40));
      return orig.appendCheckpointLines(file, cs);
    },
  };
});

const { openAuditLog } = await import('../../src/audit/index.js');
const { loadSigningKey, readCheckpointFile, checkpointSignatureOk } = await import('../../src/audit/signing.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otc-cp-group-'));
  writes.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Appends in waves (as questions come); returns, per append, its seq and the highest line in the file when it resolved. */
async function waves(log: Awaited<ReturnType<typeof openAuditLog>>, checkpointFile: string): Promise<{ seq: number; maxLine: number }[]> {
  const seenAtResolve: { seq: number; maxLine: number }[] = [];
  const maxLineNow = () => Math.max(0, ...readFileSync(checkpointFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { seq: number }).seq));
  const all: Promise<unknown>[] = [];
  for (let wave = 0; wave < 12; wave++) {
    for (let i = 0; i < 3; i++) all.push(log.append({ kind: 'question', outcome: 'started', actor: `u${i}`, question: `q ${wave}.${i}` }).then((r) => seenAtResolve.push({ seq: r.seq, maxLine: maxLineNow() })));
    await new Promise((r) => setTimeout(r, 8));
  }
  await Promise.all(all);
  return seenAtResolve;
}

function checkLines(checkpointFile: string, keys: ReturnType<typeof loadSigningKey>, seenAtResolve: { seq: number; maxLine: number }[]) {
  const lines = readCheckpointFile(checkpointFile);
  const seqs = lines.map((l) => l.cp!.seq);
  // every transaction has its line, in order, signed
  expect(lines.every((l) => l.cp && checkpointSignatureOk(keys, l.cp))).toBe(true);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(seqs.at(-1)).toBe(36);
  // no append was acknowledged before a signed line covering its record was in the file
  for (const s of seenAtResolve) expect(s.maxLine).toBeGreaterThanOrEqual(s.seq);
  return lines;
}

describe('SQLite: lines written by the writer thread', () => {
  it('writes the line of every transaction after its commit, in order, each before its appends resolve', async () => {
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const keys = loadSigningKey(join(dir, 'audit.key'), { create: true });
    const seen: number[] = [];
    const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`, { integrity: { keys, checkpointFile, onCheckpoint: (cp) => seen.push(cp.seq) } });
    try {
      const lines = checkLines(checkpointFile, keys, await waves(log, checkpointFile));
      // the main thread wrote none of them; the log still hands each one on (the server logs it)
      expect(writes).toEqual([]);
      expect(seen).toEqual(lines.map((l) => l.cp!.seq));
      expect(await log.verify()).toMatchObject({ ok: true, count: 36, lastCheckpoint: { seq: 36 } });
    } finally {
      await log.close();
    }
  });

  it("until: 'committed' resolves with the records readable; the next default append waits for a line covering both", async () => {
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const keys = loadSigningKey(join(dir, 'audit.key'), { create: true });
    const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`, { integrity: { keys, checkpointFile } });
    const maxLine = () => Math.max(0, ...readCheckpointFile(checkpointFile).map((l) => l.cp!.seq));
    try {
      await log.append({ kind: 'question', outcome: 'started', actor: 'u', question: 'warm' }); // seq 1
      const pair = log.appendMany(
        [
          { kind: 'question', outcome: 'started', actor: 'u', question: 'q' },
          { kind: 'sql_generated', outcome: 'ok', actor: 'u', question: 'q', sql: 'SELECT 1' },
        ],
        { until: 'committed' },
      );
      const run = log.append({ kind: 'query_run', outcome: 'completed', actor: 'u', question: 'q', sql: 'SELECT 1', rowCount: 1 });
      const [q, s] = await pair;
      expect([q!.seq, s!.seq]).toEqual([2, 3]);
      expect((await log.at(3))?.sql).toBe('SELECT 1');
      expect((await run).seq).toBe(4);
      expect(maxLine()).toBeGreaterThanOrEqual(4);
      expect(await log.verify()).toMatchObject({ ok: true, count: 4, lastCheckpoint: { seq: 4 } });
    } finally {
      await log.close();
    }
  });
});

describe('PostgreSQL: lines group-written by the log', () => {
  let pgUp = false;
  let db: TempPgDatabase | undefined;
  beforeEach(async () => {
    pgUp = await postgresAvailable();
    if (pgUp) db = await createTempPgDatabase('otc_cp_group');
  });
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('writes the checkpoint lines of several transactions with one write, none lost, each before its appends resolve', async (ctx) => {
    if (!pgUp || !db) return ctx.skip();
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const keys = loadSigningKey(join(dir, 'audit.key'), { create: true });
    const log = await openAuditLog(db.url, { integrity: { keys, checkpointFile } });
    try {
      const lines = checkLines(checkpointFile, keys, await waves(log, checkpointFile));
      expect(writes.reduce((a, b) => a + b, 0)).toBe(lines.length);
      // fewer writes (fsyncs) than lines: lines waiting for a write went together
      expect(writes.length).toBeLessThan(lines.length);
      expect(Math.max(...writes)).toBeGreaterThan(1);
      expect(await log.verify()).toMatchObject({ ok: true, count: 36, lastCheckpoint: { seq: 36 } });
    } finally {
      await log.close();
    }
  });

  it("until: 'committed' resolves at commit; the next default append waits for a line covering both", async (ctx) => {
    if (!pgUp || !db) return ctx.skip();
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const keys = loadSigningKey(join(dir, 'audit.key'), { create: true });
    const log = await openAuditLog(db.url, { integrity: { keys, checkpointFile } });
    const maxLine = () => Math.max(0, ...readCheckpointFile(checkpointFile).map((l) => l.cp!.seq));
    try {
      await log.append({ kind: 'question', outcome: 'started', actor: 'u', question: 'warm' }); // seq 1
      const [q, s] = await log.appendMany(
        [
          { kind: 'question', outcome: 'started', actor: 'u', question: 'q' },
          { kind: 'sql_generated', outcome: 'ok', actor: 'u', question: 'q', sql: 'SELECT 1' },
        ],
        { until: 'committed' },
      );
      expect([q!.seq, s!.seq]).toEqual([2, 3]);
      // committed (readable) but its checkpoint line is still on its way to the (slow) disk
      expect(maxLine()).toBeLessThan(3);
      expect((await log.at(3))?.sql).toBe('SELECT 1');
      const run = await log.append({ kind: 'query_run', outcome: 'completed', actor: 'u', question: 'q', sql: 'SELECT 1', rowCount: 1 });
      expect(run.seq).toBe(4);
      expect(maxLine()).toBeGreaterThanOrEqual(4);
      expect(await log.verify()).toMatchObject({ ok: true, count: 4, lastCheckpoint: { seq: 4 } });
    } finally {
      await log.close();
    }
  });
});
