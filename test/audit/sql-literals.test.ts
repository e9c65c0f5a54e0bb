/**
 * Privacy of values written in SQL (issue 15 item 5): with sqlLiterals 'strings', the string
 * literals of audited SQL are kept as '[masked]', and the same values are masked in the question
 * text and details of the run's records, the question record included (the run trail appends it
 * with the generated SQL as one group); the chain verifies and the export holds no value. With
 * the default ('keep') everything is kept as written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testStoreUrls, type TestStoreUrls } from '../../src/server/testing.js';
import { postgresAvailable } from '../support/services.js';
import { openAuditLog, parseExportedJsonl, verifyExportedRecords } from '../../src/audit/index.js';
import { maskSqlLiterals, MASKED } from '../../src/audit/privacy.js';
import { createRunTrail } from '../../src/nl2sql/pipeline/audit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const made: TestStoreUrls[] = [];
afterAll(async () => {
  for (const u of made.splice(0)) await u.drop();
});
/** A fresh audit log's URL on the store kind under test (PostgreSQL: a schema of its own). */
const urlOn = (kind: 'sqlite' | 'postgres') => {
  const d = mkdtempSync(join(tmpdir(), 'otc-audit-literals-'));
  dirs.push(d);
  const u = testStoreUrls(d, kind);
  made.push(u);
  return u.audit;
};

const QUESTION = 'Open confirmations with ACME Bank plc in EUR';
const SQL = `SELECT "it''s" AS x FROM confirmations c JOIN counterparties p ON p.id = c.cp WHERE p.name = 'ACME Bank plc' AND c.ccy IN ('EUR', 'GBP') AND p.lei LIKE '%O''Brien%' -- 'a comment' LIMIT 1000`;

async function exportText(log: Awaited<ReturnType<typeof openAuditLog>>): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await log.exportRange({}, 'jsonl', out);
  return text;
}

describe.each(['sqlite', 'postgres'] as const)('SQL literals in the audit, log on %s', (kind) => {
  let up = true;
  beforeAll(async () => {
    if (kind === 'postgres') up = await postgresAvailable();
  });
  const url = () => urlOn(kind);
  it('masks literals in the SQL and their values in question and details of the whole run, before hashing', async (ctx) => {
    if (!up) return ctx.skip();
    const log = await openAuditLog(url(), { privacy: { sqlLiterals: 'strings' } });
    try {
      const trail = createRunTrail(log, { actor: 'alice', correlationId: 'run-1', question: QUESTION });
      void trail.question({ today: '2026-12-03' });
      await trail.sqlGenerated('semantic', SQL, 2, { explanation: 'Confirmations of counterparty acme bank plc, currency EUR', query: { filters: [{ column: 'name', value: 'ACME Bank plc' }] } as never });
      const recs = await log.search({ correlationId: 'run-1', order: 'asc' });
      expect(recs.map((r) => r.kind)).toEqual(['question', 'sql_generated']);
      for (const r of recs) expect(r.question).toBe(`Open confirmations with ${MASKED} in ${MASKED}`);
      expect(recs[1]!.sql).toBe(
        `SELECT "it''s" AS x FROM confirmations c JOIN counterparties p ON p.id = c.cp WHERE p.name = '${MASKED}' AND c.ccy IN ('${MASKED}', '${MASKED}') AND p.lei LIKE '${MASKED}' -- 'a comment' LIMIT 1000`,
      );
      expect(recs[1]!.details).toEqual({ explanation: `Confirmations of counterparty ${MASKED}, currency ${MASKED}`, query: { filters: [{ column: 'name', value: MASKED }] } });
      expect(await log.verify()).toMatchObject({ ok: true, count: 2 });
      const text = await exportText(log);
      expect(text).not.toMatch(/ACME|EUR|GBP|Brien/i);
      expect(verifyExportedRecords(parseExportedJsonl(text)).ok).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('keeps everything as written by default', async (ctx) => {
    if (!up) return ctx.skip();
    const log = await openAuditLog(url());
    try {
      const trail = createRunTrail(log, { actor: 'alice', correlationId: 'run-2', question: QUESTION });
      void trail.question({});
      await trail.sqlGenerated('semantic', SQL, 2, { explanation: 'x' });
      const recs = await log.search({ correlationId: 'run-2', order: 'asc' });
      expect(recs.map((r) => r.question)).toEqual([QUESTION, QUESTION]);
      expect(recs[1]!.sql).toBe(SQL);
    } finally {
      await log.close();
    }
  });

  it('leaves records without literals alone; one-character values are masked in SQL only', () => {
    const plain = [{ kind: 'question' as const, actor: 'a', outcome: 'started' as const, question: 'How many trades?' }];
    expect(maskSqlLiterals(plain)).toBe(plain);
    const [r] = maskSqlLiterals([{ kind: 'sql_generated', actor: 'a', outcome: 'ok', question: 'flag Y trades', sql: "SELECT 1 FROM t WHERE f = 'Y'" }]);
    expect(r).toMatchObject({ question: 'flag Y trades', sql: `SELECT 1 FROM t WHERE f = '${MASKED}'` });
  });
});
