/**
 * Typed query -> SQL text through the dialect's compile-only Kysely (literals inlined), so
 * SQLite, PostgreSQL and SQL Server SQL come from one typed query. Joins follow the shortest
 * many-to-one foreign-key path from the base table to every table the query touches.
 */
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../datasource/dialect.js';
import type { EngineModel, JoinStep } from './model.js';
import type { ColumnRef, Condition, Expr, MeasureSpec, TypedQuery } from './query.js';

export function compileQuery(q: TypedQuery, m: EngineModel, dialect: SqlDialect): string {
  const db = dialect.compiler();
  const ref = (c: ColumnRef) => sql.ref(`${c.table}.${c.column}`);
  const date = (iso: string) => dialect.dateLiteral(iso);

  const expr = (x: Expr): RawBuilder<unknown> => {
    switch (x.kind) {
      case 'col':
        return sql`${ref(x.col)}`;
      case 'minus':
        return sql`${ref(x.a)} - ${ref(x.b)}`;
      case 'days':
        return dialect.daysBetween(x.from === 'today' ? date(q.today) : ref(x.from), x.to === 'today' ? date(q.today) : ref(x.to));
    }
  };

  const cond = (c: Condition): RawBuilder<unknown> => {
    switch (c.kind) {
      case 'cmp':
        return sql`${ref(c.col)} ${sql.raw(c.op)} ${c.value}`;
      case 'in':
        return c.values.length === 1
          ? sql`${ref(c.col)} ${sql.raw(c.negate ? '<>' : '=')} ${c.values[0]}`
          : sql`${ref(c.col)} ${sql.raw(c.negate ? 'not in' : 'in')} (${sql.join(c.values)})`;
      case 'null':
        return sql`${ref(c.col)} ${sql.raw(c.negate ? 'is not null' : 'is null')}`;
      case 'colcmp':
        return sql`${ref(c.col)} ${sql.raw(c.op)} ${ref(c.other)}`;
      case 'date':
        if (c.from && c.to && c.from === c.to) return sql`${ref(c.col)} = ${date(c.from)}`;
        if (c.from && c.to) return sql`${ref(c.col)} >= ${date(c.from)} and ${ref(c.col)} <= ${date(c.to)}`;
        if (c.from) return sql`${ref(c.col)} >= ${date(c.from)}`;
        return sql`${ref(c.col)} <= ${date(c.to!)}`;
      case 'exprcmp':
        return sql`${expr(c.expr)} ${sql.raw(c.op)} ${c.value}`;
      case 'not':
        return sql`not (${sql.join(c.conds.map((x) => sql`(${cond(x)})`), sql` and `)})`;
    }
  };
  const all = (cs: Condition[]) => sql.join(cs.map((c) => sql`(${cond(c)})`), sql` and `);

  const measure = (ms: MeasureSpec, whereHasDen: boolean): RawBuilder<unknown> => {
    if (ms.window) return windowed(ms.window, measure({ ...ms, window: undefined }, whereHasDen));
    switch (ms.agg) {
      case 'count':
        return sql`count(*)`;
      case 'count_distinct':
        return sql`count(distinct ${expr(ms.expr!)})`;
      case 'sum':
      case 'avg':
      case 'min':
      case 'max':
        return sql`${sql.raw(ms.agg)}(${ms.agg === 'avg' ? dialect.toFloat(expr(ms.expr!)) : expr(ms.expr!)})`;
      case 'ratio': {
        const num = sql`sum(case when ${all(ms.numerator!)} then 1 else 0 end)`;
        const den = whereHasDen || !ms.denominator!.length ? sql`count(*)` : sql`sum(case when ${all(ms.denominator!)} then 1 else 0 end)`;
        return sql`100.0 * ${dialect.toFloat(num)} / nullif(${den}, 0)`;
      }
    }
  };

  // tables the query touches -> joins
  const tables = new Set<string>();
  const touch = (c?: ColumnRef | 'today') => {
    if (c && c !== 'today') tables.add(c.table);
  };
  const touchExpr = (x?: Expr) => {
    if (!x) return;
    if (x.kind === 'col') touch(x.col);
    else if (x.kind === 'minus') (touch(x.a), touch(x.b));
    else (touch(x.from), touch(x.to));
  };
  const touchCond = (c: Condition): void => {
    if (c.kind === 'not') return c.conds.forEach(touchCond);
    touch(c.col);
    if (c.kind === 'colcmp') touch(c.other);
  };
  q.where.forEach((w) => touchCond(w.cond));
  q.measures.forEach((ms) => {
    touchExpr(ms.expr);
    ms.numerator?.forEach(touchCond);
    ms.denominator?.forEach(touchCond);
  });
  q.groupBy.forEach((g) => (g.kind === 'band' ? touchExpr(g.expr) : touch(g.col)));
  q.listColumns.forEach((l) => touch(l.col));
  q.perGroup?.columns?.forEach((l) => touch(l.col));
  if (q.orderBy?.expr === 'column') {
    const c = q.orderBy.col;
    if ('kind' in c) touchExpr(c);
    else touch(c);
  }
  const paths = m.paths.get(q.entity)!;
  const steps: JoinStep[] = [];
  for (const t of tables) {
    if (t === q.table) continue;
    const p = paths.get(t);
    if (!p) throw new Error(`no join path from ${q.table} to ${t}`);
    for (const s of p) if (!steps.some((x) => x.toTable === s.toTable)) steps.push(s);
  }
  steps.sort((a, b) => (paths.get(a.toTable)!.length - paths.get(b.toTable)!.length));

  let qb = db.selectFrom(q.table) as any;
  for (const s of steps) qb = qb.innerJoin(s.toTable, `${s.toTable}.${s.toColumn}`, `${s.fromTable}.${s.fromColumn}`);

  // a ratio that is the only measure: its denominator becomes the WHERE (rows outside it are not counted)
  const soleRatio = q.measures.length === 1 && q.measures[0]!.agg === 'ratio' && q.measures[0]!.denominator!.length > 0;
  const whereConds = [...q.where.map((w) => w.cond), ...(soleRatio ? q.measures[0]!.denominator! : [])];
  for (const c of whereConds) qb = qb.where(cond(c));
  // [NOT] EXISTS over related rows, correlated on the last many-to-one step into this query's table
  for (const x of q.exists ?? []) {
    let sub = db.selectFrom(x.table) as any;
    for (const st of x.link.slice(0, -1)) sub = sub.innerJoin(st.toTable, `${st.toTable}.${st.toColumn}`, `${st.fromTable}.${st.fromColumn}`);
    const last = x.link[x.link.length - 1]!;
    if (x.on) {
      // on a value of the rows' table: that table again inside, under its own alias
      const alias = `x_${last.toTable}`;
      sub = sub
        .innerJoin(`${last.toTable} as ${alias}`, `${alias}.${last.toColumn}`, `${last.fromTable}.${last.fromColumn}`)
        .select(sql`1`.as('one'))
        .where(sql`${ref({ table: alias, column: x.on.column })} = ${ref(x.on)}`);
    } else sub = sub.select(sql`1`.as('one')).where(sql`${ref({ table: last.fromTable, column: last.fromColumn })} = ${ref({ table: last.toTable, column: last.toColumn })}`);
    for (const c of x.where) sub = sub.where(cond(c));
    qb = qb.where(sql`${sql.raw(x.negate ? 'not exists' : 'exists')} ${sub}`);
  }

  const bucketExpr = (g: TypedQuery['groupBy'][number]): RawBuilder<unknown> =>
    g.kind === 'band'
      ? sql`case ${sql.join(g.bands.filter((b) => b.upper !== undefined).map((b) => sql`when ${expr(g.expr)} ${sql.raw(b.inclusive ? '<=' : '<')} ${b.upper} then ${b.label}`), sql` `)} else ${g.bands[g.bands.length - 1]!.label} end`
      : g.kind === 'period'
      ? sql`case ${sql.join(g.periods.map((p) => sql`when ${ref(g.col)} >= ${date(p.from)} and ${ref(g.col)} <= ${date(p.to)} then ${p.label}`), sql` `)} end`
      : g.kind === 'bucket' ? (g.bucket === 'day' ? dialect.dayBucket(ref(g.col)) : g.bucket === 'week' ? dialect.weekBucket(ref(g.col)) : dialect.monthBucket(ref(g.col))) : sql`${ref(g.col)}`;

  // share of the total and running totals: window functions over the grouped figure
  function windowed(kind: 'share' | 'running', base: RawBuilder<unknown>): RawBuilder<unknown> {
    if (kind === 'share') return sql`100.0 * ${dialect.toFloat(base)} / nullif(sum(${base}) over (), 0)`;
    const order = q.groupBy.filter((g) => g.kind !== 'column').map(bucketExpr);
    return sql`sum(${base}) over (order by ${sql.join(order.length ? order : q.groupBy.map(bucketExpr))} rows between unbounded preceding and current row)`;
  }

  if (q.perGroup && q.shape === 'aggregate' && q.orderBy?.expr === 'measure' && q.limit !== undefined) {
    // top N in each group: rank within the partition, keep the first N (a derived table, every dialect)
    const part = q.perGroup.partition.map((i) => bucketExpr(q.groupBy[i]!));
    const om = measure(q.measures[q.orderBy.measure]!, soleRatio);
    const inner = qb
      .select([...q.groupBy.map((g) => bucketExpr(g).as(g.alias)), ...q.measures.map((ms) => measure(ms, soleRatio).as(ms.alias))])
      .select(sql`row_number() over (partition by ${sql.join(part)} order by ${nullsLast(om)}, ${om} ${sql.raw(q.orderBy.dir)})`.as('rank_in_group'));
    let grouped = inner;
    for (const g of q.groupBy) grouped = grouped.groupBy(bucketExpr(g));
    if (q.having) grouped = grouped.having(sql`${measure(q.measures[q.having.measure]!, soleRatio)} ${sql.raw(q.having.op)} ${q.having.value}`);
    let outer = db.selectFrom(grouped.as('ranked')).select([...q.groupBy.map((g) => sql.ref(`ranked.${g.alias}`).as(g.alias)), ...q.measures.map((ms) => sql.ref(`ranked.${ms.alias}`).as(ms.alias)), sql.ref('ranked.rank_in_group').as('rank_in_group')]) as any;
    outer = outer.where(sql.ref('ranked.rank_in_group'), '<=', q.limit);
    for (const i of q.perGroup.partition) outer = outer.orderBy(sql.ref(`ranked.${q.groupBy[i]!.alias}`));
    outer = outer.orderBy(sql.ref('ranked.rank_in_group'));
    return outer.compile().sql as string;
  }

  if (q.withTies && !q.perGroup && q.shape === 'aggregate' && q.groupBy.length && q.orderBy?.expr === 'measure' && q.limit !== undefined) {
    // "include ties": the top N groups and every group tied with the Nth, ranked in a derived table (RANK, every dialect)
    const om = measure(q.measures[q.orderBy.measure]!, soleRatio);
    let inner = qb
      .select([...q.groupBy.map((g) => bucketExpr(g).as(g.alias)), ...q.measures.map((ms) => measure(ms, soleRatio).as(ms.alias))])
      .select(sql`rank() over (order by ${nullsLast(om)}, ${om} ${sql.raw(q.orderBy.dir)})`.as('rank_in_result'));
    for (const g of q.groupBy) inner = inner.groupBy(bucketExpr(g));
    if (q.having) inner = inner.having(sql`${measure(q.measures[q.having.measure]!, soleRatio)} ${sql.raw(q.having.op)} ${q.having.value}`);
    let outer = db.selectFrom(inner.as('ranked')).select([...q.groupBy.map((g) => sql.ref(`ranked.${g.alias}`).as(g.alias)), ...q.measures.map((ms) => sql.ref(`ranked.${ms.alias}`).as(ms.alias))]) as any;
    outer = outer.where(sql.ref('ranked.rank_in_result'), '<=', q.limit).orderBy(sql.ref('ranked.rank_in_result'));
    for (const g of q.groupBy) outer = outer.orderBy(sql.ref(`ranked.${g.alias}`));
    return outer.compile().sql as string;
  }

  if (q.perGroup?.columns?.length && q.shape === 'list' && q.orderBy?.expr === 'column' && q.limit !== undefined) {
    // the first N rows in each group: ranked within the partition in a derived table
    const oc = q.orderBy.col;
    const ox = 'kind' in oc ? expr(oc) : sql`${ref(oc)}`;
    const cols = [...q.perGroup.columns, ...q.listColumns.filter((l) => !q.perGroup!.columns!.some((c) => c.alias === l.alias))];
    const inner = qb
      .select(cols.map((l) => sql`${ref(l.col)}`.as(l.alias)))
      .select(sql`row_number() over (partition by ${sql.join(q.perGroup.columns.map((c) => ref(c.col)))} order by ${nullsLast(ox)}, ${ox} ${sql.raw(q.orderBy.dir)})`.as('rank_in_group'));
    let outer = db.selectFrom(inner.as('ranked')).select([...cols.map((l) => sql.ref(`ranked.${l.alias}`).as(l.alias)), sql.ref('ranked.rank_in_group').as('rank_in_group')]) as any;
    outer = outer.where(sql.ref('ranked.rank_in_group'), '<=', q.limit);
    for (const c of q.perGroup.columns) outer = outer.orderBy(sql.ref(`ranked.${c.alias}`));
    return outer.orderBy(sql.ref('ranked.rank_in_group')).compile().sql as string;
  }

  if (q.shape === 'list') {
    qb = qb.select(q.listColumns.map((l) => sql`${ref(l.col)}`.as(l.alias)));
    if (q.distinct) qb = qb.distinct();
  } else {
    const sels = [
      ...q.groupBy.map((g) => bucketExpr(g).as(g.alias)),
      ...q.measures.map((ms) => measure(ms, soleRatio).as(ms.alias)),
    ];
    qb = qb.select(sels);
    for (const g of q.groupBy) qb = qb.groupBy(bucketExpr(g));
    if (q.having) qb = qb.having(sql`${measure(q.measures[q.having.measure]!, soleRatio)} ${sql.raw(q.having.op)} ${q.having.value}`);
  }
  if (q.orderBy) {
    const o = q.orderBy;
    const by = o.expr === 'measure' ? measure(q.measures[o.measure]!, soleRatio) : 'kind' in o.col ? expr(o.col) : ref(o.col);
    // a top or bottom N never shows rows without the value first (PostgreSQL sorts NULL first when
    // descending, SQLite and SQL Server when ascending): the same rows on every dialect
    const counted = o.expr === 'measure' && ['count', 'count_distinct'].includes(q.measures[o.measure]!.agg);
    if (q.limit !== undefined && !counted) qb = qb.orderBy(nullsLast(by));
    qb = qb.orderBy(by, o.dir);
  } else if (q.groupBy.length) {
    // nothing asked about the order: periods and bands in their own order, and within them the
    // largest figure first (a report's order, not the alphabet's); the groups' values break ties
    const ordered: TypedQuery['groupBy'] = q.groupBy.filter((g) => g.kind !== 'column');
    for (const g of ordered) qb = qb.orderBy(bucketExpr(g));
    const first = q.measures[0];
    if (first && first.window !== 'running') qb = qb.orderBy(measure(first, soleRatio), 'desc');
    for (const g of q.groupBy) if (!ordered.includes(g)) qb = qb.orderBy(bucketExpr(g));
  }
  if (q.limit !== undefined) qb = qb.limit(q.limit);
  return qb.compile().sql as string;
}

/** 1 for a row without the value, else 0: ordered first, it puts those rows last in either direction on every dialect. */
function nullsLast(x: Expression<unknown>): RawBuilder<number> {
  return sql<number>`case when ${x} is null then 1 else 0 end`;
}
