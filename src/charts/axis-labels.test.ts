import { describe, expect, it } from 'vitest';
import { layoutCategoryLabels } from './axis-labels.js';
import { buildChartOption, chooseChart } from './index.js';

const names = (n: number, len: number) => Array.from({ length: n }, (_, i) => `${'Counterparty '.repeat(3).slice(0, Math.max(1, len - 4))}${String(i).padStart(4, '0')}`);

describe('category labels of a chart of fixed width (server SVG)', () => {
  it('drawn labels never come closer than a text line, at any count and length', () => {
    for (const n of [2, 3, 8, 24, 60, 120, 400]) {
      for (const len of [3, 10, 26, 60]) {
        const cats = names(n, len);
        const l = layoutCategoryLabels(cats, 515);
        const per = (515 - 84) / n;
        const spacing = per * (l.interval + 1);
        if (l.rotate === 0) {
          // upright: each label fits its own category's room
          expect(spacing, `${n}×${len}`).toBeGreaterThanOrEqual(Math.min(len * 12 * 0.58, 110));
          expect(l.width).toBeLessThanOrEqual(spacing);
        } else {
          expect(spacing * Math.sin((l.rotate * Math.PI) / 180), `${n}×${len}`).toBeGreaterThanOrEqual(15);
          expect(l.width).toBeLessThanOrEqual(110);
        }
      }
    }
  });

  it('keeps short labels upright, rotates as little as it can, and thins out only when upright labels would touch', () => {
    expect(layoutCategoryLabels(['Rates', 'FX', 'Credit'], 515)).toMatchObject({ rotate: 0, interval: 0 });
    const mid = layoutCategoryLabels(names(24, 26), 515);
    expect(mid.rotate).toBeGreaterThan(0);
    expect(mid.rotate).toBeLessThan(90);
    expect(mid.interval).toBe(0);
    expect(layoutCategoryLabels(names(120, 10), 515)).toMatchObject({ rotate: 90 });
    expect(layoutCategoryLabels(names(120, 10), 515).interval).toBeGreaterThan(0);
  });

  it('the server option uses the layout; the browser option (no width) keeps its own rule', () => {
    const data = { columns: ['counterparty', 'fails'], rows: names(24, 26).map((c, i) => [c, i]) };
    const spec = chooseChart(data);
    const fixed = buildChartOption(spec, data, { width: 515 }) as { xAxis: { axisLabel: { rotate: number; overflow: string }; nameGap: number } };
    const l = layoutCategoryLabels(names(24, 26), 515);
    expect(fixed.xAxis.axisLabel).toMatchObject({ rotate: l.rotate, interval: l.interval, overflow: 'truncate' });
    expect(fixed.xAxis.nameGap).toBe(l.nameGap);
    const browser = buildChartOption(spec, data) as { xAxis: { axisLabel: { rotate: number } } };
    expect(browser.xAxis.axisLabel.rotate).toBe(30);
  });
});

describe('the value axis of counts', () => {
  const columns = ['counterparty', 'count'];
  // the bar chart of a breakdown (chosen on two rows; a widget keeps its type when the rows change)
  const spec = chooseChart({ columns, rows: [['A', 3], ['B', 12]] }, 'breaks by counterparty');
  const option = (rows: unknown[][]) => buildChartOption(spec, { columns, rows }) as { yAxis?: { minInterval?: number } };
  it('is a bar chart', () => expect(spec.kind).toBe('bar'));
  it('steps by whole numbers when every figure is whole (one break: no 0.2 ticks)', () => {
    expect(option([['Bramwell Capital', 1]]).yAxis?.minInterval).toBe(1);
    expect(option([['A', 3], ['B', 12]]).yAxis?.minInterval).toBe(1);
  });
  it('keeps fractional steps for amounts with fractions', () => {
    expect(option([['A', 0.4], ['B', 1.25]]).yAxis?.minInterval).toBeUndefined();
  });
});
