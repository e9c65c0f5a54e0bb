import { describe, expect, it } from 'vitest';
import { createGuardCache, guardSql, policyFingerprint, type GuardPolicy } from './index.js';

const policy = (cols: string[], maxRows = 100): GuardPolicy => ({ allowedTables: new Map([['t', new Set(cols)]]), maxRows });

describe('guard verdict cache', () => {
  it('returns the same verdict as guardSql, from the cache the second time', async () => {
    const cache = createGuardCache(10);
    const p = policy(['a', 'b']);
    const first = await cache.guard('SELECT a FROM t', 'sqlite', p);
    const again = await cache.guard('SELECT a FROM t', 'sqlite', p);
    expect(first).toEqual(await guardSql('SELECT a FROM t', 'sqlite', p));
    expect(again).toEqual(first);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('a changed policy (even the same Map changed in place), row cap or dialect never meets an old verdict', async () => {
    const cache = createGuardCache(10);
    const p = policy(['a']);
    expect((await cache.guard('SELECT a FROM t', 'sqlite', p)).ok).toBe(true);
    (p.allowedTables!.get('t') as Set<string>).delete('a');
    expect((await cache.guard('SELECT a FROM t', 'sqlite', p)).ok).toBe(false);
    expect(await cache.guard('SELECT b FROM t', 'sqlite', policy(['b'], 5))).toMatchObject({ ok: true, sql: 'SELECT b FROM t LIMIT 5' });
    expect(await cache.guard('SELECT b FROM t', 'sqlite', policy(['b'], 7))).toMatchObject({ ok: true, sql: 'SELECT b FROM t LIMIT 7' });
    expect(await cache.guard('SELECT b FROM t', 'mssql', policy(['b'], 7))).toMatchObject({ ok: true, sql: 'SELECT TOP (7) b FROM t' });
    expect(cache.hits).toBe(0);
  });

  it('a caller changing a returned verdict does not change the cached one', async () => {
    const cache = createGuardCache(10);
    const v = await cache.guard('SELECT a FROM t', 'sqlite', policy(['a']));
    if (v.ok) v.tables.push('secret');
    expect(await cache.guard('SELECT a FROM t', 'sqlite', policy(['a']))).toMatchObject({ tables: ['t'] });
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = createGuardCache(2);
    const p = policy(['a']);
    await cache.guard('SELECT a FROM t', 'sqlite', p);
    await cache.guard('SELECT a FROM t WHERE a = 1', 'sqlite', p);
    await cache.guard('SELECT a FROM t', 'sqlite', p); // used again: the other one is now oldest
    await cache.guard('SELECT a FROM t WHERE a = 2', 'sqlite', p);
    expect(cache.size).toBe(2);
    await cache.guard('SELECT a FROM t', 'sqlite', p);
    expect(cache.hits).toBe(2);
    await cache.guard('SELECT a FROM t WHERE a = 1', 'sqlite', p);
    expect(cache.misses).toBe(4);
  });

  it('policy fingerprints differ when a name could be split two ways', () => {
    const a: GuardPolicy = { allowedTables: new Map([['t', new Set(['a,b'])]]), maxRows: 1 };
    const b: GuardPolicy = { allowedTables: new Map([['t', new Set(['a', 'b'])]]), maxRows: 1 };
    expect(policyFingerprint(a)).not.toBe(policyFingerprint(b));
  });
});
