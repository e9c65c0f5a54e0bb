/** Small pure helpers over conditions and the words of the explanation, shared by the parser's stages. */
import type { CmpOp } from './grammar.js';
import type { ConditionDef, ExprDef } from '../../training/index.js';
import type { ColumnRef, Condition, Expr, LabelledCondition } from './query.js';


export function colsOf(c: Condition): string[] {
  if (c.kind === 'not') return c.conds.flatMap(colsOf);
  if (c.kind === 'exprcmp') return exprColumns(c.expr).map((x) => `${x.table}.${x.column}`);
  return [`${c.col.table}.${c.col.column}`];
}

/** The columns a per-row value reads. */
export function exprColumns(x: Expr): ColumnRef[] {
  if (x.kind === 'col') return [x.col];
  if (x.kind === 'minus') return [x.a, x.b];
  return [x.from, x.to].filter((v): v is ColumnRef => v !== 'today');
}

export function negate(c: Condition): Condition {
  switch (c.kind) {
    case 'cmp':
      return { ...c, op: ({ '=': '<>', '<>': '=', '>': '<=', '>=': '<', '<': '>=', '<=': '>' } as const)[c.op] };
    case 'in':
      return { ...c, negate: !c.negate };
    case 'null':
      return { ...c, negate: !c.negate };
    default:
      return { kind: 'not', conds: [c] };
  }
}

export function dedupe(list: LabelledCondition[]): LabelledCondition[] {
  const seen = new Set<string>();
  const out: LabelledCondition[] = [];
  // an IN on a column that another IN/= on the same column narrows is kept (intersection is still right)
  for (const l of list) {
    const k = JSON.stringify(l.cond);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l);
  }
  return out;
}

export function addDaysIso(iso: string, n: number): string {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function joinOr(vals: (string | number)[]): string {
  if (vals.length <= 1) return String(vals[0] ?? '');
  return vals.slice(0, -1).join(', ') + ' or ' + vals[vals.length - 1];
}

export function rangeWords(from?: string, to?: string): string {
  if (from && to) return from === to ? `on ${from}` : `from ${from} to ${to}`;
  if (from) return `on or after ${from}`;
  if (to) return `on or before ${to}`;
  return '';
}

export function opWord(op: CmpOp): string {
  return { '>': 'over', '>=': 'at least', '<': 'under', '<=': 'at most', '=': 'equal to' }[op];
}

export function fmtNum(n: number): string {
  if (Math.abs(n) >= 1e9 && n % 1e7 === 0) return `${n / 1e9}bn`;
  if (Math.abs(n) >= 1e6 && n % 1e4 === 0) return `${n / 1e6}m`;
  return n.toLocaleString('en-US');
}


/** "column" of `table`, or "table.column" of a table reached through foreign keys. */
export function columnRefOf(c: string, table: string): ColumnRef {
  return c.includes('.') ? { table: c.split('.')[0]!, column: c.split('.')[1]! } : { table, column: c };
}

/** A profile condition (a named filter's) on `table` -> a typed condition; ages are counted from `today`. */
export function conditionFromDef(c: ConditionDef, table: string, today: string): Condition {
  if ('olderThanDays' in c) return { kind: 'date', col: columnRefOf(c.column, table), to: addDaysIso(today, -c.olderThanDays - 1) };
  const col = columnRefOf(c.column, table);
  switch (c.op) {
    case 'in':
    case 'not in':
      return { kind: 'in', col, values: c.values!, negate: c.op === 'not in' };
    case 'is null':
    case 'is not null':
      return { kind: 'null', col, negate: c.op === 'is not null' };
    default:
      if (c.otherColumn) return { kind: 'colcmp', col, op: c.op, other: columnRefOf(c.otherColumn, table) };
      return { kind: 'cmp', col, op: c.op, value: c.value! };
  }
}

/** A profile measure's expression on `table` -> a typed per-row value. */
export function exprFromDef(x: ExprDef, table: string): Expr {
  if ('column' in x) return { kind: 'col', col: columnRefOf(x.column, table) };
  if ('minus' in x) return { kind: 'minus', a: columnRefOf(x.minus[0], table), b: columnRefOf(x.minus[1], table) };
  if ('daysBetween' in x) {
    const [a, b] = x.daysBetween;
    return { kind: 'days', from: a === 'today' ? 'today' : columnRefOf(a, table), to: b === 'today' ? 'today' : columnRefOf(b, table) };
  }
  return { kind: 'days', from: columnRefOf(x.ageDays, table), to: 'today' };
}
