import { join } from 'node:path';
import { renderCsv } from './csv.js';
import { slug } from './file-sink.js';
import { renderPdf, type PdfOptions } from './pdf.js';
import type { RenderedFile, RenderInput, ReportFormat } from './types.js';
import { renderXlsx } from './xlsx.js';

export type { RenderInput, RenderSection, RenderedFile, ReportFormat } from './types.js';
export { REPORT_FORMATS } from './types.js';
export { renderCsv } from './csv.js';
export { renderXlsx } from './xlsx.js';
export { renderPdf, type PdfOptions } from './pdf.js';
export { csvCell, xlsxCell, neutraliseFormula } from './cells.js';
export { slug } from './file-sink.js';

/**
 * Renders the report once in each format into `dir`: one CSV per question (CSV has no sheets),
 * one workbook, one PDF. Each row source is read once per format.
 */
export async function renderReport(input: RenderInput, formats: readonly ReportFormat[], dir: string, pdf?: PdfOptions): Promise<RenderedFile[]> {
  const base = slug(input.title);
  const files: RenderedFile[] = [];
  for (const format of formats) {
    if (format === 'csv') {
      for (const [i, s] of input.sections.entries()) {
        const name = input.sections.length === 1 ? `${base}.csv` : `${base}-${i + 1}-${slug(s.title, 'question')}.csv`;
        const path = join(dir, name);
        files.push({ name, format, path, ...(await renderCsv(s, path)) });
      }
    } else if (format === 'xlsx') {
      const name = `${base}.xlsx`;
      const path = join(dir, name);
      files.push({ name, format, path, ...(await renderXlsx(input, path)) });
    } else {
      const name = `${base}.pdf`;
      const path = join(dir, name);
      files.push({ name, format, path, ...(await renderPdf(input, path, pdf)) });
    }
  }
  return files;
}
