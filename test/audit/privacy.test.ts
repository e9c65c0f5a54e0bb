import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testStoreUrls, type TestStoreUrls } from '../../src/server/testing.js';
import { postgresAvailable } from '../support/services.js';
import { openAuditLog } from '../../src/audit/index.js';
import { MASKED, maskRows, redactPathsFor } from '../../src/audit/privacy.js';

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
  const d = mkdtempSync(join(tmpdir(), 'otc-audit-priv-'));
  dirs.push(d);
  const u = testStoreUrls(d, kind);
  made.push(u);
  return u.audit;
};

describe.each(['sqlite', 'postgres'] as const)('audit privacy, log on %s', (kind) => {
  let up = true;
  beforeAll(async () => {
    if (kind === 'postgres') up = await postgresAvailable();
  });
  const url = () => urlOn(kind);
  it('masks configured columns in details at any depth; keeps row count and hash by default', async (ctx) => {
    if (!up) return ctx.skip();
    const log = await openAuditLog(url(), { privacy: { maskColumns: ['Counterparty_Name'] } });
    const r = await log.append({
      kind: 'query_run',
      actor: 'a',
      outcome: 'ok',
      rowCount: 3,
      resultHash: 'f'.repeat(64),
      details: { counterparty_name: 'ACME', sample: [{ COUNTERPARTY_NAME: 'Globex', desk: 'rates' }] },
    });
    expect(r.details).toEqual({ counterparty_name: MASKED, sample: [{ COUNTERPARTY_NAME: MASKED, desk: 'rates' }] });
    expect(r).toMatchObject({ rowCount: 3, resultHash: 'f'.repeat(64) });
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
    await log.close();
  });

  it('keeps the count only, or nothing, of a result when configured', async (ctx) => {
    if (!up) return ctx.skip();
    const count = await openAuditLog(url(), { privacy: { results: 'count' } });
    const a = await count.append({ kind: 'query_run', actor: 'a', outcome: 'ok', rowCount: 3, resultHash: 'f'.repeat(64) });
    expect([a.rowCount, a.resultHash]).toEqual([3, undefined]);
    await count.close();
    const none = await openAuditLog(url(), { privacy: { results: 'none' } });
    const b = await none.append({ kind: 'query_run', actor: 'a', outcome: 'ok', rowCount: 3, resultHash: 'f'.repeat(64) });
    expect([b.rowCount, b.resultHash]).toEqual([undefined, undefined]);
    await none.close();
  });

  it('masks the columns in exported rows and in log lines', () => {
    expect(maskRows(['desk', 'Account_No'], [['rates', '123'], ['fx', null]], ['account_no'])).toEqual([['rates', MASKED], ['fx', null]]);
    const lines: string[] = [];
    const out = new Writable({
      write(c: Buffer, _e, cb) {
        lines.push(c.toString());
        cb();
      },
    });
    const logger = pino({ redact: redactPathsFor(['account_no']) }, out);
    logger.info({ account_no: '1', row: { account_no: '2' }, deep: { x: { account_no: '3' } }, desk: 'rates' }, 'm');
    const o = JSON.parse(lines[0]!);
    expect([o.account_no, o.row.account_no, o.deep.x.account_no, o.desk]).toEqual(['[Redacted]', '[Redacted]', '[Redacted]', 'rates']);
  });
});
