/**
 * The Extract Manager's tables on PostgreSQL (migration 004): saved question, template, a run and
 * its delivery rows written and resumed under one idempotency key, as on SQLite. Runs in CI; skips
 * with a printed reason elsewhere when no PostgreSQL answers on 127.0.0.1:5432.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPgDatabase, inCI, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { createTestWorld, type TestWorld } from '../../src/server/testing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTemplate, listRuns, runReport, saveQuestion, type ReportDeps } from '../../src/reports/index.js';

let available = false;
let pgdb: TempPgDatabase | undefined;
let store: Store | undefined;
let world: TestWorld | undefined;
const share = mkdtempSync(join(tmpdir(), 'otc-pg-share-'));

beforeAll(async () => {
  available = await postgresAvailable();
  if (!available) {
    if (inCI) throw new Error('PostgreSQL is required in CI (127.0.0.1:5432)');
    console.warn('skipping the reports-on-PostgreSQL test: no PostgreSQL on 127.0.0.1:5432');
    return;
  }
  pgdb = await createTempPgDatabase('otc_reports');
  store = await openStore(pgdb.url);
  world = await createTestWorld({ maxRows: 50 });
}, 120_000);
afterAll(async () => {
  await store?.close();
  await pgdb?.drop();
  await world?.close();
  rmSync(share, { recursive: true, force: true });
});

describe('reports on PostgreSQL', () => {
  it('saves, templates, runs once per idempotency key and resumes without delivering twice', async (ctx) => {
    if (!available) return ctx.skip();
    const { copilot } = await world!.deps.answering.require();
    const a = await copilot.ask({ question: 'How many fails by counterparty?', today: '2026-11-20', actor: 'analyst' });
    const s = await saveQuestion(store!, { owner: 'analyst', question: a.question, sql: a.sql, query: a.understood, engine: 'semantic', trainingVersion: a.trainingVersion, chart: { kind: 'bar' } });
    const t = await createTemplate(store!, world!.audit, { title: 'PG fails', items: [{ savedId: s.id, rowLimit: 3 }], formats: ['csv', 'xlsx'], targets: [{ channel: 'fileshare', folder: 'pg' }] }, 'analyst', { allowedDomains: [], internalDomains: [] });
    let crash = true;
    const deps: ReportDeps = {
      store: store!,
      audit: world!.audit,
      pipeline: async () => copilot,
      today: () => '2026-11-20',
      afterRender: () => {
        if (crash) {
          crash = false;
          throw new Error('killed');
        }
      },
      settings: { reportDir: join(world!.dir, 'pg-reports'), maxRows: 50, governance: { allowedDomains: [], internalDomains: [] }, deliveryAttempts: 2, deliveryBackoffMs: 1, deliveryTimeoutMs: 2000, readinessIntervalMs: 1, channels: { mailMaxBytes: 1e6, graphBaseUrl: '', graphLoginUrl: '', fileShareRoot: share } },
    };
    await expect(runReport(deps, { templateId: t.id, idempotencyKey: 'pg@1', actor: 'scheduler' })).rejects.toThrow('killed');
    const run = await runReport(deps, { templateId: t.id, idempotencyKey: 'pg@1', actor: 'scheduler' });
    expect(run).toMatchObject({ status: 'completed', questions: [{ savedId: s.id, rows: 3 }] });
    expect(run.deliveries).toEqual([expect.objectContaining({ channel: 'fileshare', status: 'delivered', attempts: 1 })]);
    expect(readdirSync(join(share, 'pg'))).toHaveLength(1);
    const again = await runReport(deps, { templateId: t.id, idempotencyKey: 'pg@1', actor: 'scheduler' });
    expect(again.deliveries[0]!.attempts).toBe(1);
    expect((await listRuns(store!, { templateId: t.id })).map((r) => r.id)).toEqual([run.id]);
  });
});
