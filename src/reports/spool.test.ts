/** The row spool between the database and the renderers: every value back as it was, in order, read as often as needed. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spoolRows } from './spool.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* rowsOf(n: number) {
  for (let i = 0; i < n; i++) yield [i, `row ${i} ✓ 東京`, i % 3 === 0 ? null : i * 0.5, BigInt(i) * 10n ** 15n, Buffer.from([i % 256]), new Date(Date.UTC(2026, 10, 1 + (i % 28)))];
}
const collect = async (it: AsyncIterable<unknown[]>) => {
  const out: unknown[][] = [];
  for await (const r of it) out.push(r);
  return out;
};

describe('row spool', () => {
  it('gives back every row in order with its values (big integers, bytes, dates, null), across blocks, any number of times', async () => {
    const n = 1234;
    const s = await spoolRows(rowsOf(n), join(dir, 'a.rows'));
    expect(s.rows).toBe(n);
    const want = await collect(rowsOf(n));
    expect(await collect(s.read())).toEqual(want);
    expect(await collect(s.read())).toEqual(want);
    s.remove();
    expect(existsSync(s.path)).toBe(false);
  });

  it('an empty result is an empty spool', async () => {
    const s = await spoolRows(rowsOf(0), join(dir, 'b.rows'));
    expect([s.rows, await collect(s.read())]).toEqual([0, []]);
  });

  it('a source that fails leaves no file behind and passes the error on', async () => {
    async function* failing() {
      yield [1];
      throw new Error('the database went away');
    }
    await expect(spoolRows(failing(), join(dir, 'c.rows'))).rejects.toThrow('the database went away');
    expect(existsSync(join(dir, 'c.rows'))).toBe(false);
  });
});
