import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { csvCell, headerCell, namedValue } from './cells.js';
import { hashingFile } from './file-sink.js';
import type { RenderSection } from './types.js';

/**
 * One question's rows as CSV, headed by the columns' labels (with units) when known (RFC 4180 through csv-stringify, UTF-8 with a BOM so Excel reads the
 * accents, CRLF), streamed from the row source to the file with backpressure.
 */
export async function renderCsv(section: RenderSection, path: string): Promise<{ rows: number; bytes: number; sha256: string }> {
  let rows = 0;
  async function* cells() {
    for await (const row of section.rows()) {
      rows++;
      yield row.map((v, i) => csvCell(namedValue(v, section.formats?.[i])));
    }
  }
  const sink = hashingFile(path);
  const csv = stringify({ header: true, columns: section.columns.map((c, i) => headerCell(c, section.formats?.[i])), bom: true, record_delimiter: 'windows' });
  await pipeline(Readable.from(cells()), csv, sink.stream);
  const { bytes, sha256 } = await sink.done;
  return { rows, bytes, sha256 };
}
