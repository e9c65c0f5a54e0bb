/** Ties at the edge of a top N: the note from the answer's rows and the longer probe's (ties.ts). */
import { describe, expect, it } from 'vitest';
import type { TypedQuery } from '../semantic/index.js';
import { edgeTies, ordinal, TIE_LOOKAHEAD, tieProbe } from './ties.js';

const top = (limit: number, extra: Partial<TypedQuery> = {}): TypedQuery => ({
  entity: 'orders',
  table: 'orders',
  entityLabel: 'orders',
  shape: 'aggregate',
  measures: [{ alias: 'n', label: 'number of orders', agg: 'count' }],
  groupBy: [{ kind: 'column', col: { table: 'shops', column: 'city' }, alias: 'city', label: 'city' }],
  listColumns: [],
  distinct: false,
  where: [],
  orderBy: { expr: 'measure', measure: 0, dir: 'desc' },
  limit,
  today: '2026-01-10',
  ...extra,
});
const res = (rows: unknown[][]) => ({ columns: ['city', 'n'], rows });

describe('top N ties at the edge', () => {
  it('probes only a top N of groups ranked by a measure, with a longer limit', () => {
    expect(tieProbe(top(3))?.limit).toBe(3 + TIE_LOOKAHEAD);
    expect(tieProbe(top(3, { withTies: true }))).toBeUndefined();
    expect(tieProbe(top(3, { perGroup: { partition: [0] } }))).toBeUndefined();
    expect(tieProbe(top(3, { orderBy: undefined }))).toBeUndefined();
    expect(tieProbe(top(3, { shape: 'list', groupBy: [] }))).toBeUndefined();
  });

  it('names the groups beyond the Nth with its figure, even when the probe orders the tie otherwise', () => {
    const shown = res([['Oslo', 9], ['Lima', 7], ['Rome', 5]]);
    const probe = res([['Oslo', 9], ['Lima', 7], ['Kiev', 5], ['Rome', 5], ['Bern', 5], ['Nice', 4]]);
    const t = edgeTies(top(3), shown, probe)!;
    expect(t).toMatchObject({ rank: 3, value: 5, more: 2, atLeast: false, groups: ['Kiev', 'Bern'], followUp: 'include ties' });
    expect(t.note).toBe('2 more cities tie with the 3rd at 5 (number of orders): Kiev, Bern.');
  });

  it('says one tie in the singular, and nothing when the edge is not tied or the answer is short', () => {
    expect(edgeTies(top(2), res([['Oslo', 9], ['Lima', 7]]), res([['Oslo', 9], ['Lima', 7], ['Kiev', 7], ['Rome', 1]]))!.note).toBe('1 more city ties with the 2nd at 7 (number of orders): Kiev.');
    expect(edgeTies(top(2), res([['Oslo', 9], ['Lima', 7]]), res([['Oslo', 9], ['Lima', 7], ['Kiev', 6]]))).toBeUndefined();
    expect(edgeTies(top(3), res([['Oslo', 9], ['Lima', 7]]), res([['Oslo', 9], ['Lima', 7]]))).toBeUndefined();
  });

  it('compares sums computed in floating point within a relative tolerance, and says "at least" when the probe ends tied', () => {
    const q = top(1, { measures: [{ alias: 'n', label: 'amount', agg: 'sum' }] });
    expect(edgeTies(q, res([['Oslo', 0.1 + 0.2]]), res([['Oslo', 0.1 + 0.2], ['Lima', 0.3]]))?.more).toBe(1);
    const many = Array.from({ length: 1 + TIE_LOOKAHEAD }, (_, i) => [`C${i}`, 2]);
    const t = edgeTies(q, res([many[0]!]), res(many))!;
    expect(t).toMatchObject({ more: TIE_LOOKAHEAD, atLeast: true });
    expect(t.note).toMatch(new RegExp(`^at least ${TIE_LOOKAHEAD} more cities tie with the 1st at 2 \\(amount\\): C1, .* and ${TIE_LOOKAHEAD - 8} others\\.$`));
  });

  it('writes ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });
});
