import { createRequire } from 'node:module';
import { chooseChart, formatCell, renderChartSvg, switchChart, type ChartData } from '../../charts/index.js';
import { hashingFile } from './file-sink.js';
import type { RenderInput } from './types.js';

/** The slice of pdfmake 0.3's server API used here (the package ships no types). */
interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getStream(): Promise<NodeJS.ReadableStream & { end(): void }> };
}

const FONTS = {
  Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' },
  Courier: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
};
/** pdfkit's built-in fonts, asked for by name: the only "local files" the policy lets through. */
const STANDARD_FONTS = new Set(Object.values(FONTS).flatMap((f) => Object.values(f)));

let pdfmake: PdfMake | undefined;
function printer(): PdfMake {
  if (!pdfmake) {
    pdfmake = createRequire(import.meta.url)('pdfmake') as PdfMake;
    // The PDF standard fonts (no font files); nothing is fetched from URLs or read from disk.
    pdfmake.setFonts(FONTS);
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((name) => STANDARD_FONTS.has(name));
  }
  return pdfmake;
}

/**
 * ECharts' SSR writes font lists with double quotes inside double-quoted style attributes
 * (style="font-family:system-ui, "Segoe UI", …"): browsers shrug, svg-to-pdfkit's XML parser
 * refuses the document. The inner quotes become single quotes.
 */
export function wellFormed(svg: string): string {
  return svg.replace(/style="([^<>]*?)"(?=\s*\/?>|\s+[a-zA-Z:-]+=")/g, (_m, inner: string) => `style="${inner.replace(/"/g, "'")}"`);
}

export interface PdfOptions {
  /** Rows of each question's table in the PDF (default 10,000); the file says when there were more. */
  maxTableRows?: number;
  /** Chart size in points. */
  chart?: { width: number; height: number };
}

/**
 * The report as a PDF (pdfmake): title, intro and data-as-of stamp; for each question its
 * explanation, its chart drawn on the server from the same ECharts spec as the browser (SSR SVG
 * in a pdfmake svg node), and its table (the first maxTableRows rows).
 */
export async function renderPdf(input: RenderInput, path: string, o: PdfOptions = {}): Promise<{ rows: number; bytes: number; sha256: string }> {
  const limit = o.maxTableRows ?? 10_000;
  const size = o.chart ?? { width: 515, height: 240 };
  const content: unknown[] = [{ text: input.title, style: 'title' }];
  if (input.intro) content.push({ text: input.intro, margin: [0, 0, 0, 6] });
  content.push({ text: `Data as of ${input.asOf}`, style: 'muted', margin: [0, 0, 0, 12] });
  let total = 0;
  for (const [i, s] of input.sections.entries()) {
    const rows: unknown[][] = [];
    let more = false;
    for await (const row of s.rows()) {
      if (rows.length === limit) {
        more = true;
        break;
      }
      rows.push(row);
    }
    total += rows.length;
    const data: ChartData = { columns: s.columns, rows };
    const auto = chooseChart(data, s.question);
    const spec = s.chart ? (switchChart(auto, s.chart.kind, data) ?? auto) : auto;
    content.push({ text: s.title, style: 'h2', ...(i > 0 ? { pageBreak: 'before' } : {}) });
    content.push({ text: s.explanation, margin: [0, 0, 0, 8] });
    const drawn = spec.kind !== 'table' && spec.kind !== 'kpi' && rows.length > 0 ? renderChartSvg(spec, data, size) : undefined;
    const svg = drawn === undefined ? undefined : wellFormed(drawn);
    if (svg) content.push({ svg, width: size.width, margin: [0, 0, 0, 8] });
    if (spec.kind === 'kpi' && rows[0]) content.push({ text: formatCell(rows[0][spec.measures[0] ?? 0]), style: 'kpi' });
    content.push({ text: more ? `The first ${limit.toLocaleString('en-US')} rows (the CSV and Excel files hold them all).` : `${rows.length.toLocaleString('en-US')} row${rows.length === 1 ? '' : 's'}.`, style: 'muted', margin: [0, 0, 0, 4] });
    if (s.columns.length > 0) {
      content.push({
        table: {
          headerRows: 1,
          widths: s.columns.map(() => '*'),
          body: [s.columns.map((c) => ({ text: c, bold: true })), ...rows.map((r) => s.columns.map((_, k) => ({ text: formatCell(r[k]), alignment: typeof r[k] === 'number' ? 'right' : 'left' })))],
        },
        layout: 'lightHorizontalLines',
        fontSize: 7,
      });
    }
    content.push({ text: 'SQL', style: 'muted', margin: [0, 8, 0, 2] });
    // the standard Courier's metrics give lines no gap: wrapped SQL lines would touch
    content.push({ text: s.sql, font: 'Courier', fontSize: 7, lineHeight: 1.4 });
  }
  const doc = {
    info: { title: input.title, producer: 'OTC Ops Copilot' },
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 40],
    defaultStyle: { font: 'Helvetica', fontSize: 9 },
    styles: { title: { fontSize: 18, bold: true, margin: [0, 0, 0, 6] }, h2: { fontSize: 13, bold: true, margin: [0, 0, 0, 4] }, muted: { color: '#666666', fontSize: 8 }, kpi: { fontSize: 24, bold: true, margin: [0, 4, 0, 8] } },
    footer: (page: number, pages: number) => ({ text: `${input.title} · data as of ${input.asOf} · page ${page} of ${pages}`, alignment: 'center', fontSize: 7, color: '#666666' }),
    content,
  };
  const sink = hashingFile(path);
  const stream = await printer().createPdf(doc).getStream();
  stream.pipe(sink.stream);
  stream.end();
  const { bytes, sha256 } = await sink.done;
  return { rows: total, bytes, sha256 };
}
