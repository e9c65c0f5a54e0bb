import { describe, expect, it } from 'vitest';
import { canonicalize, createRowsHasher, hashRows, sha256Hex } from './canonical.js';

describe('canonicalize', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalize({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever order the keys were built in', () => {
    const a = { kind: 'q', actor: 'alice', n: 2, nested: { x: true, w: null } };
    const b = { nested: { w: null, x: true }, n: 2, actor: 'alice', kind: 'q' };
    expect(canonicalize(a)).toBe(canonicalize(b));
  });

  it('keeps nulls explicit, drops undefined members, writes undefined in arrays as null', () => {
    expect(canonicalize({ a: null, b: undefined, c: [undefined, null, 1] })).toBe('{"a":null,"c":[null,null,1]}');
  });

  it('escapes strings as JSON and keeps unicode', () => {
    expect(canonicalize({ s: 'quote " back \\ nl \n tab \t é €' })).toBe('{"s":"quote \\" back \\\\ nl \\n tab \\t é €"}');
    expect(JSON.parse(canonicalize({ s: '\u0001\u2028' }))).toEqual({ s: '\u0001\u2028' });
  });

  it('writes numbers in shortest form and -0 as 0', () => {
    expect(canonicalize([1, 1.5, -0, 1e21, 0.1 + 0.2, 100])).toBe('[1,1.5,0,1e+21,0.30000000000000004,100]');
  });

  it('sorts keys by code unit, not by locale', () => {
    expect(canonicalize({ b: 1, B: 2, a: 3, _: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"_":4,"a":3,"b":1}');
  });

  it('serialises Dates through toJSON', () => {
    expect(canonicalize({ d: new Date('2026-01-02T03:04:05.006Z') })).toBe('{"d":"2026-01-02T03:04:05.006Z"}');
  });

  it('refuses values that JSON cannot carry faithfully', () => {
    expect(() => canonicalize({ x: NaN })).toThrow(TypeError);
    expect(() => canonicalize({ x: Infinity })).toThrow(TypeError);
    expect(() => canonicalize({ x: 10n })).toThrow(TypeError);
    expect(() => canonicalize({ f: () => 1 })).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalize(loop)).toThrow(/circular/);
  });

  it('accepts a shared (non-circular) object twice', () => {
    const shared = { v: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
  });

  it('round-trips: parse(canonical) canonicalises to the same text', () => {
    const v = { z: [1, 'two', { three: 3 }], a: { nested: { deeper: [null, true, false] } }, m: -12.5e-7 };
    const c = canonicalize(v);
    expect(canonicalize(JSON.parse(c))).toBe(c);
  });
});

describe('hashRows', () => {
  it('is the SHA-256 of the canonical {columns, rows}', () => {
    expect(hashRows(['a'], [[1]])).toBe(sha256Hex('{"columns":["a"],"rows":[[1]]}'));
    expect(hashRows(['a'], [[1]])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a value, the row order or a column name changes', () => {
    const base = hashRows(['cpty', 'notional'], [['ACME', 10], ['BETA', 20]]);
    expect(hashRows(['cpty', 'notional'], [['ACME', 10], ['BETA', 21]])).not.toBe(base);
    expect(hashRows(['cpty', 'notional'], [['BETA', 20], ['ACME', 10]])).not.toBe(base);
    expect(hashRows(['cpty', 'amount'], [['ACME', 10], ['BETA', 20]])).not.toBe(base);
    expect(hashRows(['cpty', 'notional'], [['ACME', 10], ['BETA', 20]])).toBe(base);
  });

  it('normalises driver values the same way everywhere', () => {
    const d = new Date('2026-03-01T00:00:00.000Z');
    expect(hashRows(['n', 'd', 'x'], [[12345678901234567890n, d, undefined]])).toBe(
      hashRows(['n', 'd', 'x'], [['12345678901234567890', '2026-03-01T00:00:00.000Z', null]]),
    );
    expect(hashRows(['b'], [[Buffer.from([1, 2])]])).toBe(hashRows(['b'], [[{ hex: '0102' }]]));
    expect(() => hashRows(['f'], [[NaN]])).not.toThrow();
  });
});

describe('createRowsHasher', () => {
  it('gives hashRows’ hash for the same rows added one at a time (empty result included)', () => {
    const cols = ['a', 'b'];
    const rows: unknown[][] = [[1, 'x'], [null, new Date('2026-11-20T00:00:00Z')], [10n, Buffer.from('hi')], [Number.NaN, undefined]];
    const h = createRowsHasher(cols);
    for (const r of rows) h.add(r);
    expect(h.digest()).toBe(hashRows(cols, rows));
    expect(createRowsHasher(cols).digest()).toBe(hashRows(cols, []));
    const other = createRowsHasher(cols);
    other.add([1, 'y']);
    expect(other.digest()).not.toBe(hashRows(cols, [[1, 'x']]));
  });
});
