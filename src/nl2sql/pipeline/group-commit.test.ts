/**
 * Group commit of the pipeline's audit records (issue 14 item 7): appends that arrive together
 * are written by one appendMany each, in call order, each resolving with its own record; a batch
 * that fails is retried record by record so only the bad record fails. Over a real SQLite audit
 * log whose appendMany is counted, the chain verifies after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../audit/index.js';
import type { AuditEntry } from '../../audit/types.js';
import { groupCommit, type AuditSink } from './audit.js';

let dir: string;
let log: AuditLog;
let batches: number[];

/** The real log, with an appendMany that counts its batches (the log writes them in order). */
function countedSink(): AuditSink {
  return {
    append: (e) => log.append(e),
    async appendMany(es: AuditEntry[]) {
      batches.push(es.length);
      if (es.some((e) => e.actor === '')) throw new Error('a record of the batch is refused');
      const out = [];
      for (const e of es) out.push(await log.append(e));
      return out;
    },
  };
}

const entry = (i: number, actor = `user${i}`): AuditEntry => ({ kind: 'question', outcome: 'started', actor, question: `question ${i}`, correlationId: `c-${i}` });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-group-commit-'));
  log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
  batches = [];
});

afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('groupCommit', () => {
  it('writes concurrent appends in few batches, in call order, each answered with its own record', async () => {
    const sink = groupCommit(countedSink());
    const records = (await Promise.all(Array.from({ length: 20 }, (_, i) => sink.append(entry(i))))) as { seq: number; question: string }[];
    expect(records.map((r) => r.question)).toEqual(Array.from({ length: 20 }, (_, i) => `question ${i}`));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
    expect(batches.length).toBeLessThan(20);
    expect((await log.verify()).ok).toBe(true);
  });

  it('a batch that fails is retried record by record: only the bad record fails', async () => {
    const sink = groupCommit(countedSink());
    const settled = await Promise.allSettled([sink.append(entry(1)), sink.append(entry(2, '')), sink.append(entry(3))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const found = await log.search({ limit: 10 });
    expect(found.map((r) => r.question).sort()).toEqual(['question 1', 'question 3']);
    expect((await log.verify()).ok).toBe(true);
  });

  it('a sink without appendMany is used as it is', () => {
    const plain: AuditSink = { append: (e) => log.append(e) };
    expect(groupCommit(plain)).toBe(plain);
  });
});
