/**
 * The profile's defaults a semantic query leaves out, shared by the resolver (semantic-resolve.ts)
 * and the lift (semantic-lift.ts): a named filter's conditions, a named measure's typed form, and
 * the words of the explanation for a condition.
 */
import type { MeasureDef } from '../../training/index.js';
import type { FieldCatalog } from './fields.js';
import { columnLabel, valueLabel, type EngineModel } from './model.js';
import type { ColumnRef, Condition, Expr, MeasureSpec } from './query.js';
import { conditionFromDef, exprFromDef, fmtNum, joinOr, opWord, rangeWords } from './query-parts.js';

/** A named filter's conditions, on its entity's table; ages counted from `today`. */
export function filterConds(m: EngineModel, name: string, today: string): Condition[] {
  const f = m.filters.get(name)!;
  const table = m.entities.get(f.entity)!.table;
  return f.where.map((c) => conditionFromDef(c, table, today));
}

/** A named measure as the typed query holds it (native amounts when `native`), named as the grammar names it. */
export function measureSpec(m: EngineModel, md: MeasureDef, native: boolean, today: string): MeasureSpec {
  const table = m.entities.get(md.entity)!.table;
  if (md.agg === 'ratio')
    return { alias: `${md.name}_pct`, label: `${md.label} (%)`, agg: 'ratio', numerator: filterConds(m, md.ratio!.numerator, today), denominator: md.ratio!.denominator.flatMap((f) => filterConds(m, f, today)) };
  const x = native && md.native ? md.native : md.expr;
  const alias = md.agg === 'count' ? 'count' : md.agg === 'count_distinct' ? md.name : `${md.agg === 'sum' ? 'total' : md.agg}_${md.name}${native && md.native ? '' : md.unit === 'USD' ? '_usd' : ''}`;
  return { alias, label: md.label, agg: md.agg, expr: x ? exprFromDef(x, table) : undefined };
}

/** The explanation's words for a condition. */
export function labelOf(m: EngineModel, fields: FieldCatalog, c: Condition): string {
  if (c.kind === 'not') return `not (${c.conds.map((x) => labelOf(m, fields, x)).join(' and ')})`;
  if (c.kind === 'exprcmp') return `${exprLabel(m, c.expr)} ${c.op === '=' || c.op === '<>' ? c.op : opWord(c.op)} ${fmtNum(c.value)}`;
  const l = columnLabel(m, c.col);
  const name = fields.byColumn.get(`${c.col.table}.${c.col.column}`);
  const dim = name && fields.byName.get(name)?.kind === 'dimension' ? name : undefined;
  const shown = (v: string | number) => (dim ? valueLabel(m, dim, v) : typeof v === 'number' ? fmtNum(v) : v);
  switch (c.kind) {
    case 'cmp':
      if (c.op === '=' || c.op === '<>') return `${l} ${c.op === '<>' ? 'not ' : ''}${shown(c.value)}`;
      return `${l} ${opWord(c.op)} ${shown(c.value)}`;
    case 'in':
      return `${l} ${c.negate ? 'not ' : ''}${joinOr(c.values.map(shown))}`;
    case 'null':
      return c.negate ? `a ${l}` : `no ${l}`;
    case 'colcmp':
      return `${l} ${c.op} ${columnLabel(m, c.other)}`;
    case 'date':
      return `${l} ${rangeWords(c.from, c.to)}`;
  }
}

/** The words for a per-row value: "days from value date to settled date", "notional minus ...". */
export function exprLabel(m: EngineModel, x: Expr): string {
  const end = (v: ColumnRef | 'today') => (v === 'today' ? 'today' : columnLabel(m, v));
  if (x.kind === 'col') return columnLabel(m, x.col);
  if (x.kind === 'minus') return `${columnLabel(m, x.a)} minus ${columnLabel(m, x.b)}`;
  return `days from ${end(x.from)} to ${end(x.to)}`;
}
