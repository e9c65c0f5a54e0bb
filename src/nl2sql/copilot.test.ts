import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../audit/index.js';
import { buildDemoDatabase } from '../demo/index.js';
import { openDatasource, type Datasource } from '../datasource/index.js';
import { loadProfile, trainModel, type TrainedModel } from '../training/index.js';
import { createCopilot, type FallbackEngine } from './index.js';

const TODAY = '2026-06-17';
let dir: string;
let ds: Datasource;
let model: TrainedModel;
let audit: AuditLog;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-copilot-'));
  await buildDemoDatabase({ out: join(dir, 'demo.db'), trades: 1500, seed: 5, asOf: TODAY });
  ds = await openDatasource(`sqlite:${join(dir, 'demo.db')}`);
  model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  audit = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
});

afterAll(async () => {
  await audit?.close();
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createCopilot', () => {
  it('answers through the guard and the datasource, and audits question, SQL and run under one correlation id', async () => {
    const copilot = createCopilot({ datasource: ds, model, audit, maxRows: 500, timeoutMs: 10000, actor: 'tester' });
    const a = await copilot.ask({ question: 'Open exceptions by severity', today: TODAY });
    expect(a.status).toBe('answered');
    expect(a.engine).toBe('semantic');
    expect(a.columns).toEqual(['severity', 'count']);
    expect(a.rows!.length).toBeGreaterThan(0);
    expect(a.sql).toMatch(/limit 501/i);
    expect(a.explanation).toMatch(/^Counting exceptions with status Open, In Progress or Escalated, by severity\.$/);
    const records = await audit.search({ text: a.auditId!, limit: 10 });
    expect(records.map((r) => r.kind).sort()).toEqual(['query_run', 'question', 'sql_generated']);
    const run = records.find((r) => r.kind === 'query_run')!;
    expect(run.rowCount).toBe(a.rowCount);
    expect(run.resultHash).toMatch(/^[0-9a-f]{64}$/);
    expect(records.every((r) => r.actor === 'tester')).toBe(true);
  });

  it('refuses a write and audits the refusal; nothing runs', async () => {
    const copilot = createCopilot({ datasource: ds, model, audit, maxRows: 500, timeoutMs: 10000 });
    const a = await copilot.ask({ question: 'Delete all cancelled trades', today: TODAY, actor: 'mallory' });
    expect(a.status).toBe('refused');
    expect(a.code).toBe('OTC_ERR_WRITE_REFUSED');
    expect(a.sql).toBeUndefined();
    const records = await audit.search({ text: a.auditId!, limit: 10 });
    expect(records.map((r) => r.kind).sort()).toEqual(['question', 'refusal']);
  });

  it('abstains with suggestions, and only then asks the fallback engine', async () => {
    const calls: string[] = [];
    const fallback: FallbackEngine = {
      name: 'llm',
      async answer(req) {
        calls.push(req.question);
        const g = await req.guard('SELECT COUNT(*) AS n FROM trades');
        if (!g.ok) return { status: 'abstained', reason: g.reason };
        return { status: 'answered', sql: g.sql, explanation: 'Counting trades.', result: await req.execute(g.sql) };
      },
    };
    const plain = createCopilot({ datasource: ds, model, audit, maxRows: 500, timeoutMs: 10000 });
    const a = await plain.ask({ question: 'What is the VaR of the rates desk?', today: TODAY });
    expect(a.status).toBe('abstained');
    expect(a.message).toBe("I can't answer that from this data");
    expect(a.suggestions!.length).toBeGreaterThan(0);

    const withFallback = createCopilot({ datasource: ds, model, audit, maxRows: 500, timeoutMs: 10000, fallback });
    const b = await withFallback.ask({ question: 'How many trades are purple?', today: TODAY });
    expect(b.status).toBe('answered');
    expect(b.engine).toBe('llm');
    const c = await withFallback.ask({ question: 'Drop table trades', today: TODAY });
    expect(c.status).toBe('refused');
    expect(calls).toEqual(['How many trades are purple?']);
  });

  it('caps rows per question and says when a result was truncated', async () => {
    const copilot = createCopilot({ datasource: ds, model, maxRows: 1000, timeoutMs: 10000 });
    const a = await copilot.ask({ question: 'List the live trades', today: TODAY, maxRows: 3 });
    expect(a.status).toBe('answered');
    expect(a.rows!.length).toBe(3);
    expect(a.truncated).toBe(true);
  });
});
