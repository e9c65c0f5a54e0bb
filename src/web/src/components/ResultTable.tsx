import { createColumnHelper, createPaginatedRowModel, createSortedRowModel, rowPaginationFeature, rowSortingFeature, sortFn_alphanumeric, sortFn_basic, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { formatValue, headerOf, toNumber, type ColumnFormat } from '../../../charts/index.js';

type Row = unknown[];
const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
  rowPaginationFeature,
  paginatedRowModel: createPaginatedRowModel(),
});
const helper = createColumnHelper<typeof features, Row>();
const PAGE_SIZES = [10, 25, 50, 100];

/**
 * The result as a sortable, paginated table: headers from the profile's labels with units, figures
 * exact and right-aligned with the column's decimals (a % sign for percentages), dates as dates,
 * codes and flags in the profile's words. Rows come in the answer's order (largest first).
 */
export function ResultTable({ columns, rows, caption, formats }: { columns: string[]; rows: Row[]; caption: string; formats?: ColumnFormat[] }) {
  const numeric = useMemo(
    () => columns.map((_, i) => !formats?.[i]?.values && formats?.[i]?.type !== 'text' && formats?.[i]?.type !== 'date' && rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || toNumber(r[i]) !== undefined)),
    [columns, rows, formats],
  );
  const defs = useMemo(
    () =>
      helper.columns(
        columns.map((c, i) =>
          helper.accessor((r: Row): string | number | null => (numeric[i] ? (toNumber(r[i]) ?? null) : r[i] === null || r[i] === undefined ? null : String(r[i])), {
            id: `c${i}`,
            header: headerOf(c, formats?.[i]),
            sortFn: numeric[i] ? 'basic' : 'alphanumeric',
            sortUndefined: 'last',
            cell: (ctx) => formatValue(rows[ctx.row.index]?.[i], formats?.[i]),
          }),
        ),
      ),
    [columns, rows, numeric, formats],
  );
  const table = useTable({ features, columns: defs, data: rows, initialState: { pagination: { pageIndex: 0, pageSize: 10 } } });
  const { pageIndex, pageSize } = table.state.pagination;
  const pages = table.getPageCount();

  return (
    <div className="table-wrap">
      <div className="scroll" tabIndex={0} role="region" aria-label={caption}>
        <table className="result">
          <caption className="sr-only">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const i = Number(h.column.id.slice(1));
                  return (
                    <th key={h.id} scope="col" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'} className={numeric[i] ? 'num' : undefined}>
                      <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                        <table.FlexRender header={h} />
                        <span aria-hidden="true" className="sort-mark">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((r) => (
              <tr key={r.id}>
                {r.getAllCells().map((c) => (
                  <td key={c.id} className={numeric[Number(c.column.id.slice(1))] ? 'num' : undefined}>
                    <table.FlexRender cell={c} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > PAGE_SIZES[0]! && (
        <div className="pager">
          <button type="button" className="btn small" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
            Previous
          </button>
          <span aria-live="polite">
            Page {pageIndex + 1} of {pages} · {rows.length.toLocaleString('en-US')} rows
          </span>
          <button type="button" className="btn small" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
            Next
          </button>
          <label className="inline">
            Rows per page{' '}
            <select value={pageSize} onChange={(e) => table.setPageSize(Number(e.target.value))}>
              {PAGE_SIZES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
    </div>
  );
}
