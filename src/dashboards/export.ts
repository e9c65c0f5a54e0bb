/**
 * A dashboard exported on the server, from the same widget chart specs the browser draws
 * (chart.ts -> ECharts SSR SVG): one SVG of the grid (each widget at its layout position with its
 * title, data-as-of time or error, and its chart, KPI figure or table), rasterised to PNG with
 * resvg, or placed as vector graphics on a landscape PDF page with pdfmake.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { echarts, formatCell, formatNumber } from '../charts/index.js';
import { kpiFigure, widgetOption } from './chart.js';
import { WEB_GRID } from './grid.js';
import type { DashboardView, WidgetView } from './service.js';

/** Grid geometry of the export (the web grid's columns, wider rows for print). */
const COLS = WEB_GRID.cols;
const COL_W = 100;
const ROW_H = 50;
const GAP = 10;
const HEADER = 64;
const STATUS_FILL = { green: '#16a34a', amber: '#d97706', red: '#dc2626' } as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s);
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

function chartSvg(w: WidgetView, width: number, height: number): string | undefined {
  if (!w.result) return undefined;
  const option = widgetOption(w.chart, w.result, { animation: false, width });
  if (!option) return undefined;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, textStyle: { fontFamily: FONT } } as never);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function asOf(w: WidgetView): string {
  if (w.error) return `Refresh failed: ${w.error.message}`;
  return w.dataAsOf ? `Data as of ${w.dataAsOf.slice(0, 16).replace('T', ' ')} UTC` : 'Not run yet';
}

function widgetBody(w: WidgetView, width: number, height: number): string {
  if (!w.result) return `<text x="12" y="${HEADER / 2 + 40}" font-size="12" fill="#6b7280">No result yet</text>`;
  if (w.chart.type === 'kpi') {
    const k = kpiFigure(w.chart, w.result);
    const fill = k.status ? STATUS_FILL[k.status] : '#111827';
    const change = k.change !== undefined ? `${k.change >= 0 ? '▲' : '▼'} ${formatNumber(Math.abs(k.change))} vs previous period` : '';
    return [
      k.status ? `<rect x="0" y="0" width="6" height="${height}" fill="${fill}"/>` : '',
      `<text x="${width / 2}" y="${Math.min(height - 24, 46 + 34)}" text-anchor="middle" font-size="34" font-weight="bold" fill="${fill}">${esc(k.value === null ? '—' : formatNumber(k.value))}</text>`,
      `<text x="${width / 2}" y="${Math.min(height - 6, 46 + 54)}" text-anchor="middle" font-size="11" fill="#4b5563">${esc(clip([k.label.replace(/_/g, ' '), change].filter(Boolean).join(' · '), Math.floor(width / 6.5)))}</text>`,
    ].join('');
  }
  const top = 46;
  const svg = w.chart.type === 'table' ? undefined : chartSvg(w, width - 8, height - top - 4);
  if (svg) return svg.replace(/^<svg /, `<svg x="4" y="${top}" `);
  // a table: the first rows that fit
  const cols = w.result.columns;
  const cw = (width - 16) / Math.max(1, cols.length);
  const maxChars = Math.max(3, Math.floor(cw / 7));
  const fit = Math.max(0, Math.floor((height - top - 24) / 16));
  const lines = [`<text y="${top + 12}" font-size="11" font-weight="bold" fill="#111827">${cols.map((c, i) => `<tspan x="${8 + i * cw}">${esc(clip(c, maxChars))}</tspan>`).join('')}</text>`];
  for (const [r, row] of w.result.rows.slice(0, fit).entries()) {
    lines.push(`<text y="${top + 30 + r * 16}" font-size="11" fill="#374151">${cols.map((_, i) => `<tspan x="${8 + i * cw}">${esc(clip(formatCell(row[i]), maxChars))}</tspan>`).join('')}</text>`);
  }
  return lines.join('');
}

/** Where each widget goes on the exported page (SVG pixels), and the page's size. */
function geometry(d: DashboardView) {
  const width = COLS * COL_W + GAP;
  const boxes = d.widgets.map((w, n) => {
    const l = d.layout.find((x) => x.i === w.id) ?? { x: (n % 2) * 6, y: 1000 + Math.floor(n / 2) * 8, w: 6, h: 8 };
    return { w, x: GAP + l.x * COL_W, y: HEADER + l.y * ROW_H, width: l.w * COL_W - GAP, height: l.h * ROW_H - GAP };
  });
  const height = Math.max(HEADER + 100, ...boxes.map((b) => b.y + b.height + GAP));
  return { width, height, boxes };
}

/** The whole dashboard as one SVG document (what PNG and PDF are made from). */
export function dashboardSvg(d: DashboardView): string {
  const { width, height, boxes } = geometry(d);
  const filters = Object.entries(d.filters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#f3f4f6"/>`,
    `<text x="${GAP}" y="30" font-size="20" font-weight="bold" fill="#111827">${esc(d.name)}</text>`,
    `<text x="${GAP}" y="50" font-size="11" fill="#4b5563">${esc(`Exported ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${filters ? ` · filters: ${filters}` : ''}`)}</text>`,
  ];
  for (const b of boxes) {
    const maxChars = Math.floor((b.width - 24) / 8.6);
    parts.push(
      `<svg x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}">`,
      `<rect x="0.5" y="0.5" width="${b.width - 1}" height="${b.height - 1}" rx="6" fill="#ffffff" stroke="${b.w.error ? '#dc2626' : '#d1d5db'}"/>`,
      `<text x="12" y="20" font-size="13" font-weight="bold" fill="#111827">${esc(clip(b.w.title, maxChars))}</text>`,
      `<text x="12" y="36" font-size="10" fill="${b.w.error ? '#dc2626' : '#6b7280'}">${esc(clip(asOf(b.w), Math.floor(b.width / 6)))}</text>`,
      widgetBody(b.w, b.width, b.height),
      '</svg>',
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** PNG of the dashboard (rendered by resvg with the machine's fonts). */
export function dashboardPng(d: DashboardView, scale = 1): Buffer {
  const svg = dashboardSvg(d);
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
}

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}
const FONTS = { Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' } };
const STANDARD = new Set(Object.values(FONTS.Helvetica));
let pdfmake: PdfMake | undefined;
function printer(): PdfMake {
  if (!pdfmake) {
    pdfmake = createRequire(import.meta.url)('pdfmake') as PdfMake;
    pdfmake.setFonts(FONTS);
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((n) => STANDARD.has(n));
  }
  return pdfmake;
}

/**
 * The PDF's text layer: the dashboard's name and each widget's title, data-as-of line and KPI
 * figure as real text at the place the image shows them, drawn transparent over it (as a scanned
 * page's recognised text is), so the PDF can be searched, copied from and read aloud, and its
 * text extracted (pdftotext) names what it shows.
 */
function textLayer(d: DashboardView, scale: number, left: number, top: number): Record<string, unknown>[] {
  const at = (x: number, y: number, size: number, text: string) => ({ text, fontSize: Math.max(1, size * scale), opacity: 0, absolutePosition: { x: left + x * scale, y: top + (y - size) * scale } });
  const { boxes } = geometry(d);
  const out = [at(GAP, 30, 20, d.name)];
  for (const b of boxes) {
    out.push(at(b.x + 12, b.y + 20, 13, b.w.title), at(b.x + 12, b.y + 36, 10, asOf(b.w)));
    if (b.w.chart.type === 'kpi' && b.w.result) {
      const k = kpiFigure(b.w.chart, b.w.result);
      out.push(at(b.x + b.width / 2 - 40, b.y + Math.min(b.height - 24, 80), 34, k.value === null ? '-' : formatNumber(k.value)));
    }
  }
  return out;
}

/** PDF of the dashboard: the grid as one PNG page image at twice the screen's resolution (fonts and layout exactly as the PNG), with a text layer over it. */
export async function dashboardPdf(d: DashboardView): Promise<Buffer> {
  const png = dashboardPng(d, 2);
  const { width, height } = geometry(d);
  const [pageW, pageH, margin] = [842, 595, 24];
  const scale = Math.min((pageW - 2 * margin) / width, (pageH - 2 * margin) / height);
  const doc = {
    info: { title: d.name, producer: 'OTC Ops Copilot' },
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [24, 24, 24, 24],
    defaultStyle: { font: 'Helvetica', fontSize: 9 },
    content: [{ image: `data:image/png;base64,${png.toString('base64')}`, fit: [pageW - 2 * margin, pageH - 2 * margin] }, ...textLayer(d, scale, margin, margin)],
  };
  return printer().createPdf(doc).getBuffer();
}
