import { describe, expect, it } from 'vitest';
import { OtcError, describeError } from '../shared/errors.js';
import { SqlGuardError, guardSql } from './index.js';

describe('SqlGuardError', () => {
  it('carries the stable code and HTTP 400, for callers that throw on a refusal', async () => {
    const v = await guardSql('DROP TABLE trades', 'sqlite', { maxRows: 10 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const e = new SqlGuardError(v.reason);
    expect(e).toBeInstanceOf(OtcError);
    expect(e).toMatchObject({ code: 'OTC_ERR_SQL_GUARD_REJECTED', status: 400, message: 'Only a read query (SELECT) is accepted, not DROP.' });
    expect(describeError(e)).toMatch(/^OTC_ERR_SQL_GUARD_REJECTED: Only a read query/);
  });

  it('refuses a row cap that is not a positive whole number', async () => {
    expect(await guardSql('SELECT 1', 'sqlite', { maxRows: 0 })).toMatchObject({ ok: false });
    expect(await guardSql('SELECT 1', 'sqlite', { maxRows: 1.5 })).toMatchObject({ ok: false });
  });
});
