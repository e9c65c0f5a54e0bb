import { describe, expect, it } from 'vitest';
import { guardSql, warmUpGuard, type GuardDialect } from './index.js';
import { WARM_UP_SAMPLES } from './warmup.js';

describe('warmUpGuard', () => {
  it('every warm-up sample is admitted by its own dialect (the warm-up runs the whole admit path, row cap included)', async () => {
    for (const [dialect, samples] of Object.entries(WARM_UP_SAMPLES) as Array<[GuardDialect, string[]]>) {
      expect(samples.length).toBeGreaterThan(0);
      for (const sql of samples) {
        const v = await guardSql(sql, dialect, { maxRows: 100 });
        expect(v.ok ? 'admitted' : `${dialect}: ${v.reason}`).toBe('admitted');
      }
    }
  });

  it('leaves verdicts unchanged: a hostile query is still refused after warming up', async () => {
    const ms = await warmUpGuard(['sqlite']);
    expect(ms).toBeGreaterThan(0);
    const v = await guardSql('SELECT a FROM t; DELETE FROM t', 'sqlite', { maxRows: 100 });
    expect(v.ok).toBe(false);
    const ok = await guardSql('SELECT a FROM t', 'sqlite', { maxRows: 100 });
    expect(ok).toEqual({ ok: true, sql: 'SELECT a FROM t LIMIT 100', tables: ['t'] });
  });
});
