import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { headerCell, namedValue, xlsxCell, xlsxNumFmt } from './cells.js';
import { hashingFile } from './file-sink.js';
import type { RenderInput } from './types.js';

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 28) || 'Question';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 27)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * Backpressure for exceljs's streaming writer. A committed row goes into the sheet's StreamBuf,
 * which writes to the zip entry's stream without waiting for it to drain: when rows come faster
 * than deflate and the file take them, the entry's buffer (uncompressed XML) grows with the rows.
 * So every few hundred rows the writer waits for that stream to drain (exceljs internals:
 * worksheet.stream.pipes[0]); without it, it at least lets the event loop run the zip.
 */
async function zipCaughtUp(ws: unknown): Promise<void> {
  const entry = (ws as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as (Writable & { _writableState?: { needDrain?: boolean } }) | undefined;
  // archiver hands exceljs a readable-stream PassThrough, which has no writableNeedDrain: read its state.
  const needDrain = entry?.writableNeedDrain ?? entry?._writableState?.needDrain;
  if (entry && typeof entry.once === 'function' && needDrain) await once(entry, 'drain');
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

const dateFormat = 'yyyy-mm-dd';
const dateTimeFormat = 'yyyy-mm-dd hh:mm:ss';

/**
 * The report as one workbook through exceljs's streaming WorkbookWriter (rows are committed and
 * flushed as they come; no shared strings table, which would grow with the rows): a cover sheet
 * with the title, intro, data-as-of stamp and each question's explanation and SQL, then one sheet
 * per question with typed cells, a bold frozen header and an autofilter over the rows written.
 */
export async function renderXlsx(input: RenderInput, path: string): Promise<{ rows: number; bytes: number; sha256: string }> {
  const sink = hashingFile(path);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useStyles: true, useSharedStrings: false });
  wb.creator = 'OTC Ops Copilot';
  const taken = new Set<string>();

  const cover = wb.addWorksheet(sheetName('Report', taken));
  cover.columns = [{ width: 28 }, { width: 110 }];
  cover.addRow([input.title]).font = { bold: true, size: 14 };
  if (input.intro) cover.addRow([input.intro]);
  cover.addRow(['Data as of', input.asOf]);
  for (const [label, value] of input.details ?? []) cover.addRow([label, value]);
  cover.addRow([]);
  const names = input.sections.map((s) => sheetName(s.title, taken));
  input.sections.forEach((s, i) => {
    cover.addRow([s.title]).font = { bold: true };
    cover.addRow(['Sheet', names[i]]);
    cover.addRow(['Question', s.question]);
    cover.addRow(['Explanation', s.explanation]);
    const sqlRow = cover.addRow(['SQL', s.sql]);
    sqlRow.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    sqlRow.getCell(2).font = { name: 'Consolas' };
    cover.addRow([]);
  });
  cover.commit();

  let total = 0;
  for (const [i, s] of input.sections.entries()) {
    const ws = wb.addWorksheet(names[i], { views: [{ state: 'frozen', ySplit: 1 }] });
    const headers = s.columns.map((c, j) => headerCell(c, s.formats?.[j]));
    const numFmts = s.columns.map((_, j) => xlsxNumFmt(s.formats?.[j]));
    ws.columns = s.columns.map((c, j) => ({ header: headers[j], key: c, width: Math.min(40, Math.max(12, headers[j]!.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    let n = 0;
    for await (const row of s.rows()) {
      // a figure a driver returned as text (PostgreSQL numeric) is written as the number it is
      const r = ws.addRow(row.map((v, j) => xlsxCell(numFmts[j] && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : namedValue(v, s.formats?.[j]))));
      r.eachCell((cell, col) => {
        if (cell.value instanceof Date) cell.numFmt = cell.value.getUTCHours() || cell.value.getUTCMinutes() || cell.value.getUTCSeconds() ? dateTimeFormat : dateFormat;
        else if (typeof cell.value === 'number' && numFmts[col - 1]) cell.numFmt = numFmts[col - 1]!;
      });
      r.commit();
      if (++n % 500 === 0) await zipCaughtUp(ws);
    }
    if (s.columns.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: n + 1, column: s.columns.length } };
    ws.commit();
    total += n;
  }
  await wb.commit();
  const { bytes, sha256 } = await sink.done;
  return { rows: total, bytes, sha256 };
}
