import { describe, expect, it } from 'vitest';
import { buildChartOption, chooseChart, formatCompact, formatValue, headerOf, renderChartSvg, switchChart } from './index.js';

describe('chooseChart', () => {
  it('shows one number as a KPI', () => {
    const s = chooseChart({ columns: ['failed_settlements'], rows: [[42]] });
    expect(s.kind).toBe('kpi');
    expect(s.measures).toEqual([0]);
  });

  it('treats numeric text from a driver (decimals) as a number', () => {
    expect(chooseChart({ columns: ['total_notional'], rows: [['1250000.50']] }).kind).toBe('kpi');
  });

  it('draws a date column with a measure as a line', () => {
    const s = chooseChart({ columns: ['trade_date', 'trades'], rows: [['2026-11-01', 3], ['2026-11-02', 5], ['2026-11-03', 4]] });
    expect(s.kind).toBe('line');
    expect(s.category).toBe(0);
    expect(s.measures).toEqual([1]);
    expect(s.options).toContain('bar');
  });

  it('draws months (YYYY-MM) as a line too', () => {
    expect(chooseChart({ columns: ['month', 'fails'], rows: [['2026-09', 1], ['2026-10', 2]] }).kind).toBe('line');
  });

  it('draws a category with a measure as a bar', () => {
    const s = chooseChart({ columns: ['counterparty', 'exposure'], rows: [['A', 10], ['B', 20], ['C', 5]] }, 'exposure by counterparty');
    expect(s.kind).toBe('bar');
    expect(s.category).toBe(0);
    // a line joins points in time: never offered over categories
    expect(s.options).toEqual(['bar', 'pie', 'table']);
  });

  it('draws shares as a pie only when asked and the slices are few and positive', () => {
    const rows = [['Rates', 10], ['Credit', 20], ['FX', 5]];
    expect(chooseChart({ columns: ['asset_class', 'trades'], rows }, 'share of trades by asset class').kind).toBe('pie');
    expect(chooseChart({ columns: ['asset_class', 'trades'], rows }, 'trades by asset class').kind).toBe('bar');
    const nine = Array.from({ length: 9 }, (_, i) => [`c${i}`, i + 1]);
    expect(chooseChart({ columns: ['desk', 'trades'], rows: nine }, 'breakdown of trades by desk').kind).toBe('bar');
    const negative = [['A', 10], ['B', -3]];
    expect(chooseChart({ columns: ['book', 'pnl'], rows: negative }, 'breakdown of pnl by book').kind).toBe('bar');
  });

  it('draws two measures against each other as a scatter', () => {
    const s = chooseChart({ columns: ['notional', 'days_late'], rows: [[100, 1], [200, 3], [50, 0]] });
    expect(s.kind).toBe('scatter');
    expect(s.measures).toEqual([0, 1]);
  });

  it('falls back to the table for listings, empty results and too many categories', () => {
    expect(chooseChart({ columns: ['trade_id', 'counterparty', 'status'], rows: [['T1', 'A', 'Open'], ['T2', 'B', 'Closed']] }).kind).toBe('table');
    expect(chooseChart({ columns: ['n'], rows: [] }).kind).toBe('table');
    const many = Array.from({ length: 80 }, (_, i) => [`c${i}`, i]);
    expect(chooseChart({ columns: ['name', 'value'], rows: many }).kind).toBe('table');
  });

  it('does not take an id column for a measure', () => {
    expect(chooseChart({ columns: ['trade_id', 'notional'], rows: [[1, 100], [2, 200]] }).kind).not.toBe('scatter');
  });

  it('lets the user switch only to kinds that fit the data', () => {
    const data = { columns: ['desk', 'trades'], rows: [['A', 1], ['B', 2]] };
    const bar = chooseChart(data);
    expect(switchChart(bar, 'pie', data)?.kind).toBe('pie');
    expect(switchChart(bar, 'line', data)).toBeUndefined();
    expect(switchChart(bar, 'kpi', data)).toBeUndefined();
    const series = { columns: ['month', 'trades'], rows: [['2026-10', 1], ['2026-11', 2]] };
    expect(switchChart(chooseChart(series), 'bar', series)?.kind).toBe('bar');
    const kpi = chooseChart({ columns: ['n'], rows: [[3]] });
    expect(kpi.options).toEqual(['kpi', 'table']);
  });
});

describe('with the profile\'s column formats', () => {
  it('takes a dimension of numbers for a category (a bar, no scatter), a time column for a line', () => {
    const data = { columns: ['book_id', 'trades'], rows: [[101, 4], [102, 9]], formats: [{ name: 'book_id', label: 'Book', role: 'dimension' as const, type: 'text' as const }, { name: 'trades', label: 'Trades', role: 'measure' as const, type: 'number' as const, decimals: 0 }] };
    const s = chooseChart(data);
    expect(s.kind).toBe('bar');
    expect(s.options).not.toContain('scatter');
    expect(s.options).not.toContain('line');
    const weeks = { columns: ['week', 'fails'], rows: [['2026-W46', 3], ['2026-W47', 5]], formats: [{ name: 'week', label: 'Week', role: 'time' as const, type: 'text' as const }, { name: 'fails', label: 'Fails', role: 'measure' as const }] };
    expect(chooseChart(weeks).kind).toBe('line');
  });

  it('writes figures exact in tables and abbreviated on axes, percentages with a % sign, dates as dates, flags in words', () => {
    const usd = { name: 'total_notional_usd', label: 'Total notional (USD)', role: 'measure' as const, type: 'number' as const, decimals: 2, unit: 'USD' };
    expect(formatValue(84123456789.5, usd)).toBe('84,123,456,789.50');
    expect(formatCompact(84123456789.5, usd)).toBe('84.1bn');
    const rate = { name: 'fail_rate_pct', label: 'Fail rate (%)', role: 'measure' as const, type: 'percent' as const, decimals: 1 };
    expect(formatValue('12.3456', rate)).toBe('12.3%');
    expect(formatValue(4, rate)).toBe('4.0%');
    expect(formatValue('2026-11-20T00:00:00.000Z', { name: 'd', label: 'Trade date', type: 'date' as const })).toBe('2026-11-20');
    const flag = { name: 'is_cleared', label: 'Cleared', type: 'text' as const, values: { '1': 'Cleared', '0': 'Bilateral' } };
    expect(formatValue(0, flag)).toBe('Bilateral');
    expect(headerOf('is_cleared', flag)).toBe('Cleared');
    expect(headerOf('failed_count')).toBe('Failed count');
  });
});

describe('chart option and SVG', () => {
  it('builds a bar option with the categories and values', () => {
    const data = { columns: ['desk', 'trades'], rows: [['A', 1], ['B', '2']] };
    const opt = buildChartOption(chooseChart(data), data) as { xAxis: { data: string[] }; series: { data: unknown[] }[] };
    expect(opt.xAxis.data).toEqual(['A', 'B']);
    expect(opt.series[0]!.data).toEqual([1, 2]);
  });

  it('renders an SVG on the server without a DOM', () => {
    const data = { columns: ['desk', 'trades'], rows: [['Rates', 4], ['Credit', 7]] };
    const svg = renderChartSvg(chooseChart(data), data, { width: 400, height: 300, title: 'Trades by desk' });
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Credit');
    expect(renderChartSvg(chooseChart({ columns: ['n'], rows: [[1]] }), { columns: ['n'], rows: [[1]] }, { width: 100, height: 100 })).toBeUndefined();
  });
});
