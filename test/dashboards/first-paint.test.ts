/**
 * The server's first paint of chart widgets: sized like the web grid's box, the same chart the
 * browser draws (its categories and bars), none for KPI and table widgets, drawn once per result
 * and size and again when either changes.
 */
import { describe, expect, it } from 'vitest';
import { chartBox, FirstPaints } from '../../src/dashboards/first-paint.js';
import type { Widget } from '../../src/dashboards/types.js';

const widget = (o: Partial<Widget> = {}): Widget => ({
  id: 'w1',
  dashboardId: 'd1',
  savedId: 's1',
  title: 'Fails by desk',
  chart: { type: 'bar' },
  refresh: { mode: 'manual' },
  scheduleId: null,
  result: { columns: ['desk', 'fails'], rows: [['Rates <EU>', 12], ['FX', 7]], rowCount: 2, truncated: false },
  dataAsOf: '2026-11-20T08:00:00.000Z',
  sql: null,
  resultVersion: null,
  error: null,
  lastRefreshMs: null,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-20T08:00:00.000Z',
  ...o,
});

describe('first paint of chart widgets', () => {
  it('sizes a chart like its box on the 12-column grid, wider and taller with the box', () => {
    const half = chartBox({ w: 6, h: 8 });
    const third = chartBox({ w: 4, h: 6 });
    expect(half.width).toBeGreaterThan(third.width);
    expect(half.height).toBeGreaterThan(third.height);
    expect(half.width).toBeGreaterThan(400);
    expect(half.width).toBeLessThan(560);
  });

  it('draws every category label of a bar chart in its box (none left out for overlapping its neighbour)', () => {
    const sectors = ['Insurance', 'Asset Manager', 'Sovereign', 'Pension Fund', 'Hedge Fund', 'Bank', 'Corporate'];
    const w = widget({ result: { columns: ['sector', 'fail_rate'], rows: sectors.map((s, i) => [s, 4 - i * 0.5]), rowCount: sectors.length, truncated: false } });
    const paint = new FirstPaints().get(w, { w: 6, h: 8 })!;
    for (const s of sectors) expect(paint.svg, s).toContain(`>${s}<`);
  });

  it('draws the chart as SVG (text escaped), none for KPI and table widgets, once per result and size', () => {
    const paints = new FirstPaints();
    const p = paints.get(widget(), { w: 6, h: 8 });
    expect(p).toMatchObject(chartBox({ w: 6, h: 8 }));
    expect(p!.svg.startsWith('<svg ')).toBe(true);
    expect(p!.svg).toContain('Rates &lt;EU&gt;');
    expect(p!.svg).not.toContain('<EU>');
    expect(p!.svg.match(/<path /g)!.length).toBeGreaterThan(2);
    expect(paints.get(widget(), { w: 6, h: 8 })).toBe(p); // kept
    expect(paints.get(widget(), { w: 4, h: 8 })).not.toBe(p); // resized
    const next = paints.get(widget({ dataAsOf: '2026-11-20T09:00:00.000Z', result: { columns: ['desk', 'fails'], rows: [['Credit', 3]], rowCount: 1, truncated: false } }), { w: 4, h: 8 });
    expect(next!.svg).toContain('Credit');
    expect(paints.get(widget({ chart: { type: 'kpi' } }), undefined)).toBeUndefined();
    expect(paints.get(widget({ chart: { type: 'table' } }), undefined)).toBeUndefined();
    expect(paints.get(widget({ result: null }), undefined)).toBeUndefined();
  });
});
