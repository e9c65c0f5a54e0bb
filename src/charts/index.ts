export type { ChartKind, ChartSpec, ChartData, ColumnFormat, ColumnKind } from './types.js';
export { chooseChart, switchChart, asksForShares, MAX_PIE_SLICES, MAX_BAR_CATEGORIES } from './choose.js';
export { classifyColumn, toNumber } from './classify.js';
export { buildChartOption, formatCell, compact, PALETTE, type ChartOption } from './option.js';
export { abbreviate, formatCategory, formatCompact, formatDate, formatNumber, formatValue, headerOf, labelOf } from './format.js';
export { renderChartSvg } from './svg.js';
export { echarts } from './echarts-setup.js';
