/**
 * The default dashboard's grid (src/dashboards/defaults.ts): for any number of KPI tiles and
 * charts, nothing overlaps, each KPI row fills the 12 columns, and react-grid-layout's vertical
 * compactor (the app's grid and the server's drawing) leaves it as it is: no empty cell that a
 * widget below rises into, leaving a hole beside it (5 KPI tiles used to leave one).
 */
import { verticalCompactor } from 'react-grid-layout/core';
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../src/dashboards/defaults.js';

const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('default dashboard layout', () => {
  for (let kpis = 0; kpis <= 9; kpis++) {
    for (let charts = 0; charts <= 6; charts++) {
      it(`${kpis} KPI tiles and ${charts} charts`, () => {
        const layout = defaultLayout(kpis, charts).map((l, k) => ({ ...l, i: String(k) }));
        expect(layout).toHaveLength(kpis + charts);
        for (const [a, l] of layout.entries()) {
          expect(l.x).toBeGreaterThanOrEqual(0);
          expect(l.x + l.w).toBeLessThanOrEqual(12);
          for (const m of layout.slice(a + 1)) expect(overlap(l, m), `${JSON.stringify(l)} and ${JSON.stringify(m)}`).toBe(false);
        }
        const tiles = layout.slice(0, kpis);
        for (const y of new Set(tiles.map((t) => t.y))) {
          const row = tiles.filter((t) => t.y === y);
          expect(row.reduce((s, t) => s + t.w, 0)).toBe(12);
          for (const t of row) expect(t.w).toBeGreaterThanOrEqual(3);
        }
        const compacted = verticalCompactor.compact(layout, 12).map(({ i, x, y, w, h }) => ({ i, x, y, w, h }));
        expect(compacted.sort((a, b) => Number(a.i) - Number(b.i))).toEqual(layout);
      });
    }
  }
});
