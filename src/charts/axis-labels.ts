/**
 * Category axis labels that do not overlap, for a chart of known width (the server's SVG for PDF
 * and e-mail, which nobody can hover or zoom): from the room each category has, the smallest
 * rotation (0, 30, 45, 60 or 90 degrees) at which neighbouring labels clear each other; when
 * even upright labels are too close, only every k-th label is drawn. Long labels are cut with
 * an ellipsis, and the axis name sits below the labels' actual extent.
 */

/** Label font size in pixels (ECharts' default for axis labels). */
const FONT_PX = 12;
/** Height a label line needs so neighbours do not touch. */
const LINE_PX = FONT_PX + 3;
/** Average glyph width of the sans-serif label font at FONT_PX. */
const CHAR_PX = FONT_PX * 0.58;
/** Longest label drawn (pixels), longer ones end with an ellipsis. */
const MAX_LABEL_PX = 110;
/** Left and right of the plot: the value axis labels and the grid margins. */
const PLOT_MARGIN_PX = 16 + 24 + 44;

export interface CategoryLabelLayout {
  rotate: number;
  /** Labels skipped between two drawn ones (ECharts axisLabel.interval). */
  interval: number;
  /** Widest label in pixels (the truncation width). */
  width: number;
  /** Distance from the axis to its name, below the labels. */
  nameGap: number;
}

const textPx = (s: string) => s.length * CHAR_PX;

export function layoutCategoryLabels(categories: readonly string[], chartWidth: number): CategoryLabelLayout {
  const n = Math.max(1, categories.length);
  const perCategory = Math.max(1, chartWidth - PLOT_MARGIN_PX) / n;
  const longest = Math.min(MAX_LABEL_PX, Math.max(0, ...categories.map(textPx)));
  if (longest + 6 <= perCategory) return { rotate: 0, interval: 0, width: Math.floor(perCategory - 6), nameGap: LINE_PX + 14 };
  const rotate = [30, 45, 60, 90].find((deg) => perCategory * Math.sin((deg * Math.PI) / 180) >= LINE_PX) ?? 90;
  const interval = perCategory >= LINE_PX ? 0 : Math.ceil(LINE_PX / perCategory) - 1;
  const rad = (rotate * Math.PI) / 180;
  const extent = longest * Math.sin(rad) + FONT_PX * Math.cos(rad);
  return { rotate, interval, width: Math.ceil(longest), nameGap: Math.ceil(extent) + 14 };
}
