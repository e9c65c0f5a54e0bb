/**
 * The renderers on a small report, read back: the CSV through its own text (formula cells
 * neutralised, quoting), the workbook through exceljs's reader (cover sheet with the SQL, typed
 * cells, frozen header, autofilter), the PDF through poppler's pdftotext when it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport, type RenderInput } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fails: unknown[][] = [
  ['Northbridge Capital', 12, 1250000.5, '2026-11-19'],
  ['=HYPERLINK("http://x","click")', 3, -40, '2026-11-18'],
  ['+cmd|calc', 1, 0, null],
  ['-12.5', 2, 7, '2026-11-17'],
  ['@SUM(A1)', 4, 1, '2026-11-16'],
  ['\tTabbed, "quoted"\nline', 5, 2, '2026-11-15'],
];
const input: RenderInput = {
  title: 'Morning fails',
  intro: 'Fails by counterparty for the ops stand-up.',
  asOf: '2026-11-20',
  sections: [
    { title: 'Fails by counterparty', question: 'How many fails by counterparty?', explanation: 'Counting settlements with status Failed, by counterparty', sql: 'SELECT counterparty, count(*) AS fails FROM settlements GROUP BY counterparty', columns: ['counterparty', 'fails', 'amount', 'value_date'], rows: () => fails },
    { title: 'Fails total', question: 'How many fails?', explanation: 'Counting fails', sql: 'SELECT count(*) AS fails FROM settlements', columns: ['fails'], rows: async function* () { yield [27]; } },
  ],
};
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('renderers', async () => {
  const files = await renderReport(input, ['csv', 'xlsx', 'pdf'], dir);

  it('writes one CSV per question, one workbook, one PDF, each with its size and SHA-256', () => {
    expect(files.map((f) => f.name)).toEqual(['morning-fails-1-fails-by-counterparty.csv', 'morning-fails-2-fails-total.csv', 'morning-fails.xlsx', 'morning-fails.pdf']);
    for (const f of files) {
      expect(f.sha256).toBe(sha(f.path));
      expect(f.bytes).toBe(readFileSync(f.path).length);
    }
    expect(files.map((f) => f.rows)).toEqual([6, 1, 7, 7]);
  });

  it('CSV: header, RFC 4180 quoting, formula cells prefixed, plain negative numbers kept', () => {
    const text = readFileSync(files[0]!.path, 'utf8');
    expect(text.startsWith('\uFEFFcounterparty,fails,amount,value_date\r\n')).toBe(true);
    expect(text).toContain('Northbridge Capital,12,1250000.5,2026-11-19\r\n');
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""click"")",3,-40,2026-11-18\r\n`);
    expect(text).toContain("'+cmd|calc,1,0,\r\n");
    expect(text).toContain('-12.5,2,7,2026-11-17\r\n');
    expect(text).toContain("'@SUM(A1),4,1,");
    expect(text).toContain(`"'\tTabbed, ""quoted""\nline",5,2`);
  });

  it('XLSX: cover sheet with explanation and SQL, typed cells, frozen header, autofilter', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(files[2]!.path);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Report', 'Fails by counterparty', 'Fails total']);
    const cover = wb.getWorksheet('Report')!;
    const coverText = JSON.stringify(cover.getSheetValues());
    expect(coverText).toContain('Counting settlements with status Failed, by counterparty');
    expect(coverText).toContain('SELECT counterparty, count(*) AS fails FROM settlements GROUP BY counterparty');
    expect(coverText).toContain('2026-11-20');
    const ws = wb.getWorksheet('Fails by counterparty')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'counterparty', 'fails', 'amount', 'value_date']);
    expect(ws.getCell('B2').value).toBe(12);
    expect(ws.getCell('C2').value).toBe(1250000.5);
    expect(ws.getCell('D2').value).toEqual(new Date('2026-11-19T00:00:00Z'));
    expect(ws.getCell('A3').value).toBe('\'=HYPERLINK("http://x","click")');
    expect(ws.getCell('A5').value).toBe('-12.5');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:D7');
  });

  it('PDF: title, intro, as-of, explanations and table rows', async (ctx) => {
    const pdf = readFileSync(files[3]!.path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (spawnSync('pdftotext', ['-v']).error) {
      if (process.env.CI === 'true') throw new Error('pdftotext (poppler-utils) is needed in CI');
      ctx.skip();
    }
    const text = execFileSync('pdftotext', ['-layout', files[3]!.path, '-']).toString();
    for (const s of ['Morning fails', 'Fails by counterparty for the ops stand-up.', 'Data as of 2026-11-20', 'Counting settlements with status Failed, by counterparty', 'Northbridge Capital', '6 rows.', 'Counting fails']) expect(text).toContain(s);
  });
});
