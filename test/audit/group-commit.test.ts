/**
 * The audit log's group commit and writer thread (issue 14 item 7): appends that arrive together
 * are committed in one transaction each (one signed checkpoint line per transaction), in call
 * order, each resolving with its own record; an invalid entry fails alone; and a kill -9 in the
 * middle of a burst loses no acknowledged record, the chain and its checkpoints verifying after.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { withoutBareRows, type AppendResult } from '../../src/audit/append.js';
import { loadSigningKey } from '../../src/audit/signing.js';
import type { AuditEntry } from '../../src/audit/types.js';

let dir: string;
const entry = (i: number, actor = `user${i}`): AuditEntry => ({ kind: 'question', outcome: 'started', actor, question: `question ${i}`, correlationId: `c-${i}` });
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otc-group-commit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function openSigned(): Promise<{ log: AuditLog; checkpointFile: string }> {
  const checkpointFile = join(dir, 'checkpoints.jsonl');
  const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`, { integrity: { keys: loadSigningKey(join(dir, 'audit.key'), { create: true }), checkpointFile } });
  return { log, checkpointFile };
}

describe('group commit', () => {
  it('commits concurrent appends in few transactions, in call order, each answered with its own record', async () => {
    const { log, checkpointFile } = await openSigned();
    try {
      const records = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(entry(i))));
      expect(records.map((r) => r.question)).toEqual(Array.from({ length: 40 }, (_, i) => `question ${i}`));
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      // one signed checkpoint per transaction (checkpointEvery 1): fewer transactions than appends
      const cps = lines(checkpointFile).map((l) => JSON.parse(l) as { seq: number });
      expect(cps.length).toBeLessThan(40);
      expect(cps.at(-1)!.seq).toBe(40);
      const v = await log.verify();
      expect(v).toMatchObject({ ok: true, count: 40, lastCheckpoint: { seq: 40 } });
    } finally {
      await log.close();
    }
  });

  it('appends made in one turn of the event loop go in one transaction, the first not alone', async () => {
    const { log, checkpointFile } = await openSigned();
    try {
      // as requests handled in one turn append: each from its own callback, none awaited in between
      const all: Promise<unknown>[] = [];
      await new Promise<void>((resolve) => {
        let left = 3;
        for (let i = 1; i <= 3; i++) {
          process.nextTick(() => {
            all.push(i === 2 ? log.record([entry(i)]) : log.append(entry(i)));
            if (--left === 0) resolve();
          });
        }
      });
      await Promise.all(all);
      expect(lines(checkpointFile).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([3]);
      expect((await log.verify()).ok).toBe(true);
    } finally {
      await log.close();
    }
  });

  it("a test's fake timers do not hold appends up (the batch waits for the turn's end on node:timers)", async () => {
    const { log } = await openSigned();
    vi.useFakeTimers();
    try {
      await expect(log.append(entry(1))).resolves.toMatchObject({ seq: 1 });
    } finally {
      vi.useRealTimers();
      await log.close();
    }
  });

  it('an invalid entry fails alone: the appends committed with it stand, the chain verifies', async () => {
    const { log } = await openSigned();
    try {
      const settled = await Promise.allSettled([log.append(entry(1)), log.append(entry(2, '')), log.append(entry(3)), log.appendMany([entry(4), entry(5, ' ')]), log.append(entry(6))]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_ENTRY' });
      const found = await log.search({ limit: 10, order: 'asc' });
      expect(found.map((r) => [r.seq, r.question])).toEqual([
        [1, 'question 1'],
        [2, 'question 3'],
        [3, 'question 6'],
      ]);
      expect((await log.verify()).ok).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('record(): the records appendMany would store, none sent back; an invalid group fails alone', async () => {
    const { log, checkpointFile } = await openSigned();
    try {
      const settled = await Promise.allSettled([
        log.record([entry(1), { ...entry(2), kind: 'sql_generated', outcome: 'ok', sql: 'select 1', details: { query: { measures: [{ agg: 'count' }] } } }], { until: 'committed' }),
        log.record([entry(3), entry(4, '')]),
        log.record([entry(5)]),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((settled[0] as PromiseFulfilledResult<unknown>).value).toBeUndefined();
      const found = await log.search({ limit: 10, order: 'asc' });
      expect(found.map((r) => [r.seq, r.kind, r.question])).toEqual([
        [1, 'question', 'question 1'],
        [2, 'sql_generated', 'question 2'],
        [3, 'question', 'question 5'],
      ]);
      expect(found[1]).toMatchObject({ sql: 'select 1', details: { query: { measures: [{ agg: 'count' }] } } });
      await log.close();
      expect(lines(checkpointFile).map((l) => (JSON.parse(l) as { seq: number }).seq).at(-1)).toBe(3);
    } finally {
      await log.close();
    }
    const again = await openSigned();
    try {
      expect(await again.log.verify()).toMatchObject({ ok: true, count: 3, lastCheckpoint: { seq: 3 } });
    } finally {
      await again.log.close();
    }
  });

  it('a bare unit comes back as its first seq and count, the line still due from it', () => {
    const row = (seq: number) => ({ seq, id: `r${seq}`, ts: 't', kind: 'question', actor: 'a', outcome: 'ok', question: 'q', sql: null, engine: null, duration_ms: null, row_count: null, result_hash: null, correlation_id: null, details: '{"big":"text"}', prev_hash: 'p', hash: 'h' });
    const result: AppendResult = { outcomes: [{ ok: true, rows: [row(7), row(8)] }, { ok: true, rows: [row(9)] }] };
    const sent = withoutBareRows(result, [{ entries: [], ids: [], bare: true }, { entries: [], ids: [] }]);
    expect(sent.outcomes).toEqual([{ ok: true, firstSeq: 7, count: 2 }, { ok: true, rows: [row(9)] }]);
  });

  it('the checkpoint file kept open: deleted or renamed away while the log is open, the next line goes to a new file at its path', async () => {
    const { log, checkpointFile } = await openSigned();
    try {
      await log.append(entry(1));
      rmSync(checkpointFile);
      await log.append(entry(2));
      expect(lines(checkpointFile).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2]);
      renameSync(checkpointFile, `${checkpointFile}.old`);
      await log.append(entry(3));
      expect(lines(checkpointFile).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([3]);
      expect(lines(`${checkpointFile}.old`)).toHaveLength(1);
    } finally {
      await log.close();
    }
    expect(existsSync(checkpointFile)).toBe(true);
  });

  it('a kill -9 in the middle of a burst loses no acknowledged record', async () => {
    const url = `sqlite:${join(dir, 'audit.db')}`;
    const keyFile = join(dir, 'audit.key');
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const script = fileURLToPath(new URL('./support/append-burst.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, keyFile, checkpointFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const p of parts) if (p !== 'ready') acked.push(p);
        if (acked.length >= 300 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`the burst stopped by itself (exit ${code}): ${stderr}`)));
    });
    await new Promise((r) => child.once('close', r));
    // lines already written to the pipe before the kill are acknowledged too
    for (const p of buf.split('\n')) if (p && p !== 'ready') acked.push(p);

    const log = await openAuditLog(url, { create: false, integrity: { keys: loadSigningKey(keyFile), checkpointFile } });
    try {
      const v = await log.verify();
      expect(v.ok).toBe(true);
      expect(v.count).toBeGreaterThanOrEqual(acked.length);
      const stored = new Set<string>();
      for (let before: number | undefined; ; ) {
        const page = await log.search({ limit: 1000, ...(before ? { beforeSeq: before } : {}) });
        for (const r of page) stored.add(r.id);
        if (page.length < 1000) break;
        before = page.at(-1)!.seq;
      }
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await log.close();
    }
  });
});
