/**
 * The resolver stage: what the grammar recorded about a question (interpret.ts) + the profile's
 * defaults (default date column, currency rules, implied and default filters, joins) -> one typed
 * query, or the reason there is none.
 */
import type { ConditionDef, MeasureDef } from '../../training/index.js';
import { POLITE_PREFIX } from './grammar.js';
import type { Sense } from './lexicon.js';
import { columnLabel, valueLabel } from './model.js';
import type { ColumnRef, Condition, Expr, GroupSpec, LabelledCondition, MeasureSpec, TypedQuery } from './query.js';
import type { Interpreter } from './interpret.js';
import { addDaysIso, colsOf, columnRefOf, conditionFromDef, dedupe, exprFromDef, fmtNum, joinOr, negate, opWord, rangeWords } from './query-parts.js';

export function columnOf(ip: Interpreter, c: string, table = ip.e.table): ColumnRef {
  return columnRefOf(c, table);
}

export function conditionOf(ip: Interpreter, c: ConditionDef, table: string): Condition {
  return conditionFromDef(c, table, ip.today);
}

function filterConds(ip: Interpreter, name: string): Condition[] {
  const f = ip.m.filters.get(name)!;
  const table = ip.m.entities.get(f.entity)!.table;
  return f.where.map((c) => conditionOf(ip, c, table));
}

function exprOf(_ip: Interpreter, x: NonNullable<MeasureDef['expr']>, table: string): Expr {
  return exprFromDef(x, table);
}

/** The resolver: the interpreter's findings + the profile's defaults -> one typed query, or why not. */
export function build(ip: Interpreter): { query: TypedQuery } | { fail: string } {
  const e = ip.e;
  // "the desk breakdown of live trades": the columns named with "split"/"breakdown" are what is grouped by
  if (ip.splitAsked && !ip.groups.length) {
    for (const d of [...ip.listDims, ...ip.extraCols]) ip.groups.push({ kind: 'column', col: d.col, alias: d.alias, label: d.label });
    ip.listDims = [];
    ip.extraCols = [];
    ip.listAsked = false;
    ip.whichAsked = false;
    if (!ip.groups.length && !ip.bucket) return { fail: 'a breakdown of what? say which column to split by' };
  }
  const where: LabelledCondition[] = [];

  // --- currency: a named currency filters and switches to native amounts; the reporting one only says how to report
  const reportingCcy = ip.m.model.profile.vocabulary.currency?.reporting;
  let currency: string | undefined;
  const ccyFilters = new Map<string, { values: string[]; negated: boolean }>();
  for (const cv of ip.currencyValues) {
    const d = ip.m.dimensions.get(cv.dimension)!;
    const next = ip.items[cv.index + 1]?.senses[0];
    const namesRows = next && ((next.kind === 'entity' && next.entity === ip.entity) || (next.kind === 'filter' && next.entity === ip.entity));
    const hasUsd = !!e.amount?.usd;
    const negated = ip.negated.has(cv.index);
    const reportsAmount = ip.measures.length ? ip.measures.some((x) => x.unit === reportingCcy) : (!!ip.agg && ip.agg !== 'count') || ip.cmps.some((c) => c.money || c.measure);
    const compared = ip.versusAt.some((v) => v === cv.index - 1 || v === cv.index + 1);
    if (cv.value === reportingCcy && hasUsd && !namesRows && reportsAmount && !negated && !compared) {
      ip.reporting = true;
      continue;
    }
    const g = ccyFilters.get(cv.dimension) ?? { values: [], negated };
    if (!g.values.includes(cv.value)) g.values.push(cv.value);
    ccyFilters.set(cv.dimension, g);
  }
  for (const [dimName, g] of ccyFilters) {
    const d = ip.m.dimensions.get(dimName)!;
    const col = { table: d.table, column: d.column };
    where.push({
      cond: g.values.length === 1 ? { kind: 'cmp', col, op: g.negated ? '<>' : '=', value: g.values[0]! } : { kind: 'in', col, values: g.values, negate: g.negated },
      label: `${d.label} ${g.negated ? 'not ' : ''}${joinOr(g.values)}`,
    });
    // one named currency: amounts are in that currency
    if (!g.negated && g.values.length === 1 && g.values[0] !== reportingCcy) currency = g.values[0];
  }
  const native = currency !== undefined || !e.amount?.usd;

  // --- measures
  const amountMeasure = [...ip.m.measures.values()].find((x) => x.entity === ip.entity && x.agg === 'sum' && x.expr && 'column' in x.expr && (x.expr.column === e.amount?.usd || x.expr.column === e.amount?.native));
  let measureDefs = [...ip.measures];
  const grouped = ip.groups.length > 0 || ip.listDims.length > 0;
  // "which counterparty has the largest netting break", "largest live trade per desk": a size ranked within or
  // across groups with no amount named; counting rows (or ignoring the groups) would answer another question
  if (ip.sizeSuperlative && grouped && !ip.countAsked && !ip.top && (ip.rankRowsAsked ? ip.groups.length > 0 : !measureDefs.length))
    return { fail: '"largest" per group needs the amount to compare; say e.g. "largest break amount by counterparty", or "most" to count' };
  // "the largest live trade", "top 10 trades": rows ranked by their amount
  const rankedRows =
    ((!grouped && ip.recordsMention) || ip.rankRowsAsked) && !ip.countAsked && (!!ip.top || !!ip.superlative) && measureDefs.every((x) => x.expr && 'column' in x.expr);
  // "disputed confirmations with their break reason": rows, with that column alongside
  const withColumns = ip.extraCols.length > 0 && ip.recordsMention && !ip.groups.length && !ip.listDims.length;
  const records =
    !ip.percentAsked && (rankedRows || (ip.recordsMention && (ip.listAsked || ip.whichAsked || withColumns) && !grouped && !ip.countAsked && !ip.agg && !measureDefs.length));
  if (rankedRows && measureDefs.length) ip.orderMeasure = measureDefs[0]!;
  if (rankedRows) measureDefs = [];
  // in a grouped question a superlative ranks the groups ("which desk has the most trades")
  // "how many ... in total" still counts
  // "average number of trades per day", "average daily trade count": an average of per-group counts is a
  // two-level aggregate this engine does not build; answering with the counts (or an amount) would be wrong
  if (ip.agg === 'avg' && (ip.groups.length || ip.bucket || ip.listDims.length) && measureDefs.every((md) => md.agg === 'count' || md.agg === 'count_distinct'))
    return { fail: 'an average of counts per day, week or group is not supported; ask for the counts per day, week or group instead' };
  const aggWanted = ip.agg && ip.agg !== 'count' && !(ip.superlative && grouped) && !(ip.countAsked && ip.agg === 'sum' && !measureDefs.length) ? ip.agg : null;
  if (!measureDefs.length && aggWanted && !records) {
    // "how much is in dispute": the amount a named filter defines (the disputed amount of margin disputes,
    // the break amount of netting breaks) rather than the rows' plain amount
    const defined = [...ip.m.measures.values()].filter((x) => x.entity === ip.entity && x.agg === 'sum' && x.requires.length > 0 && x.requires.every((r) => ip.filters.has(r)));
    if (defined.length === 1) measureDefs = [defined[0]!];
    else if (!amountMeasure) return { fail: `there is no amount to ${aggWanted === 'avg' ? 'average' : 'add up'} for ${e.label}` };
    else measureDefs = [amountMeasure];
  }
  const specs: MeasureSpec[] = [];
  const required = new Set<string>();
  for (const md of measureDefs) {
    const table = ip.m.entities.get(md.entity)!.table;
    let agg = md.agg;
    if (aggWanted && ['sum', 'avg', 'min', 'max'].includes(md.agg)) agg = aggWanted;
    md.requires.forEach((r) => required.add(r));
    const x = native && md.native ? md.native : md.expr;
    if (md.agg === 'ratio') {
      specs.push({
        alias: md.name + '_pct',
        label: md.label + ' (%)',
        agg: 'ratio',
        numerator: filterConds(ip, md.ratio!.numerator),
        denominator: md.ratio!.denominator.flatMap((f) => filterConds(ip, f)),
      });
      continue;
    }
    const alias = agg === 'count' ? 'count' : agg === 'count_distinct' ? md.name : `${agg === 'sum' ? 'total' : agg}_${md.name}${native && md.native ? '' : md.unit === 'USD' ? '_usd' : ''}`;
    const aggWord = { sum: 'total', avg: 'average', min: 'smallest', max: 'largest', count: 'number of', count_distinct: 'number of', ratio: '' }[agg];
    specs.push({
      alias,
      label: agg === 'count' || agg === 'count_distinct' || md.agg === agg ? md.label : `${aggWord} ${md.label}`,
      agg,
      expr: x ? exprOf(ip, x, table) : undefined,
    });
  }
  const listing = records || (!ip.splitAsked && (ip.whichAsked || ip.listAsked) && ip.listDims.length > 0 && !ip.countAsked && !specs.length && !ip.superlative && !ip.top && !ip.cmps.some((c) => c.countNoun || (c.measure?.agg === 'sum' && c.money)));
  for (const dc of ip.distinctCols)
    if (!specs.length) specs.push({ alias: `distinct_${dc.alias}`, label: `number of different ${dc.label}s`, agg: 'count_distinct', expr: { kind: 'col', col: dc.col } });
  if (!listing && !specs.length) specs.push({ alias: 'count', label: `number of ${e.label}`, agg: 'count' });
  // a count nobody asked for, where the question asks "when"/"where" or names one record by its own key
  // ("when does trade X mature", "the maturity date of X", "where is Y based"), would answer 1 or 0
  const unaskedCount = !listing && specs.length === 1 && specs[0]!.agg === 'count' && !ip.countAsked && !ip.groups.length && !ip.bucket && !ip.listDims.length && !ip.percentAsked;
  if (unaskedCount) {
    const words = ip.tokens.map((t) => t.raw.toLowerCase());
    let w = 0;
    while (w < words.length && (POLITE_PREFIX.includes(words[w]!) || ['tell', 'me', 'know', 'like', 'wondering', 'hi', 'hello'].includes(words[w]!))) w++;
    if (words[w] === 'when' || words[w] === 'where') return { fail: `"${words[w]}" asks for a date or a place; name the column to show` };
    const ownKey = [...ip.values.keys()].some((d) => {
      const dim = ip.m.dimensions.get(d);
      return !!dim && dim.table === e.table && (!!dim.values?.pattern || e.display[0] === dim.column);
    });
    if (ownKey) return { fail: 'the question names one record but not what to show about it' };
    // "the maturity date of X", "onboarded when": a date named with no period to apply it to is what is asked
    const askedDate = ip.dateWords.some((d) => d.entity === ip.entity && !d.filter && d.column !== e.defaultDate) || ip.dateWords.some((d) => d.entity !== ip.entity && !d.filter && d.column !== ip.m.entities.get(d.entity)?.defaultDate);
    if (askedDate && !ip.ranges.length && !ip.bucket && !ip.dateRank) return { fail: 'the question names a date but no period; say which period, or ask to list the rows' };
  }

  // --- "X vs Y": both kept, one row each (values of one column, or filters on one column)
  for (const v of ip.versusAt) {
    // "fails this week vs last week": two periods that meet, one row each (a CASE over the date)
    const ta = ip.items[v - 1];
    const tb = ip.items[v + 1];
    if (ta?.kind === 'time' || tb?.kind === 'time') {
      const ra = ta?.time?.range;
      const rb = tb?.time?.range;
      if (ip.periodCompare || !ra?.from || !ra.to || !rb?.from || !rb.to || ip.bucket || ip.ranges.length !== 2) return { fail: '"vs" between periods needs two whole periods (e.g. "this week vs last week")' };
      const [lo, hi] = ra.from <= rb.from ? [ra, rb] : [rb, ra];
      if (hi.from !== addDaysIso(lo.to!, 1)) return { fail: '"vs" compares periods that follow one another (e.g. "this month vs last month")' };
      const label = (t: string) => t.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim() || 'period';
      ip.periodCompare = [
        { from: ra.from, to: ra.to, label: label(ta!.time!.text) },
        { from: rb.from, to: rb.to, label: label(tb!.time!.text) },
      ];
      if (ip.periodCompare[0]!.label === ip.periodCompare[1]!.label) return { fail: '"vs" needs two different periods' };
      ip.ranges = [{ ...ta!.time!, text: `${ta!.time!.text} vs ${tb!.time!.text}`, range: { from: lo.from!, to: hi.to! } }];
      continue;
    }
    const a = ip.items[v - 1]?.senses[0];
    const b = ip.items[v + 1]?.senses[0];
    const colOf = (x: Sense | undefined): ColumnRef | undefined => {
      if (x?.kind === 'value') {
        const d = ip.m.dimensions.get(x.dimension)!;
        return { table: d.table, column: d.column };
      }
      if (x?.kind === 'filter') {
        const f = ip.m.filters.get(x.filter)!;
        const c = f.where[0]!;
        if (f.where.length !== 1 || !('op' in c) || (c.op !== '=' && c.op !== 'in')) return undefined;
        return { table: ip.m.entities.get(f.entity)!.table, column: c.column };
      }
      return undefined;
    };
    const ca = colOf(a);
    const cb = colOf(b);
    if (!ca || !cb || ca.table !== cb.table || ca.column !== cb.column) return { fail: '"vs" needs two values of the same thing on either side' };
    const fa = a?.kind === 'filter' ? ip.m.filters.get(a.filter)! : undefined;
    const fb = b?.kind === 'filter' ? ip.m.filters.get(b.filter)! : undefined;
    if (fa && fb) {
      // the two filters become one IN over their values, grouped by the column
      ip.filters.delete(fa.name);
      ip.filters.delete(fb.name);
      const vals = [fa, fb].flatMap((f) => {
        const c = f.where[0]! as { values?: (string | number)[]; value?: string | number };
        return c.values ?? [c.value!];
      });
      where.push({ cond: { kind: 'in', col: ca, values: vals }, label: `${columnLabel(ip.m, ca)} ${joinOr(vals)}` });
    }
    const dim = [...ip.m.dimensions.values()].find((d) => d.table === ca.table && d.column === ca.column);
    if (!ip.groups.some((g) => g.kind === 'column' && g.col.column === ca.column && g.col.table === ca.table))
      ip.groups.push({ kind: 'column', col: ca, alias: dim?.name ?? ca.column, label: columnLabel(ip.m, ca) });
  }

  // --- filters: named, implied by measures, values, defaults
  // "what percentage of live trades are cleared": what is said after the rows is the part, the rest the whole
  const share = ip.percentAsked && !specs.some((x) => x.agg === 'ratio');
  const part: LabelledCondition[] = [];
  // "of the calls we issued this year (that) ended up disputed": with a verb after the rows, what qualifies them before it is the whole
  const copula = ip.items.findIndex((it, k) => k > ip.baseMentionAt && /^(?:that |which )?(?:were|was|are|is|got|get|have been|has been|had been|ended up|end up|ends up|turned out|turned out to be|became|become)$/i.test(it.text));
  const partFrom = ip.baseMentionAt >= 0 && copula > ip.baseMentionAt ? copula : ip.baseMentionAt;
  const isPart = (key: string) => share && ip.baseMentionAt >= 0 && (ip.saidAt.get(key) ?? -1) > partFrom;
  const filterNames = new Set([...ip.filters, ...required]);
  for (const name of filterNames) {
    const f = ip.m.filters.get(name)!;
    const tbl = ip.m.entities.get(f.entity)!.table;
    const conds = f.where.map((c) => conditionOf(ip, c, tbl));
    const neg = ip.negated.has(ip.saidAt.get('f:' + name) ?? -1);
    const list = isPart('f:' + name) ? part : where;
    if (neg) list.push({ cond: conds.length === 1 ? negate(conds[0]!) : { kind: 'not', conds }, label: `not ${f.label}` });
    else conds.forEach((c) => list.push({ cond: c, label: f.label }));
  }
  for (const [dimName, set] of ip.values) {
    const d = ip.m.dimensions.get(dimName)!;
    const vals = [...set];
    const col = { table: d.table, column: d.column };
    const neg = ip.negated.has(ip.saidAt.get('v:' + dimName) ?? -1);
    const cond: Condition = vals.length === 1 ? { kind: 'cmp', col, op: neg ? '<>' : '=', value: vals[0]! } : { kind: 'in', col, values: vals, negate: neg };
    (isPart('v:' + dimName) ? part : where).push({ cond, label: `${d.label} ${neg ? 'not ' : ''}${joinOr(vals.map((v) => valueLabel(ip.m, dimName, v)))}` });
  }
  for (const d of ip.nullDims) where.push({ cond: { kind: 'null', col: { table: d.table, column: d.column } }, label: `no ${d.label}` });
  for (const d of ip.notNullCols) where.push({ cond: { kind: 'null', col: { table: d.table, column: d.column }, negate: true }, label: `a ${d.label}` });
  if (share) {
    if (!part.length) return { fail: 'a percentage of what? say which rows make the share' };
    specs.length = 0;
    // "what % of confirmations were matched" is the team's match rate: when the part is exactly the
    // numerator of a named rate, that rate's denominator applies (Cancelled left out, settled or failed)
    const partFilters = [...filterNames].filter((n) => isPart('f:' + n));
    const onlyFilter = partFilters.length === 1 && ![...ip.values.keys()].some((d) => isPart('v:' + d)) && !ip.negated.has(ip.saidAt.get('f:' + partFilters[0]) ?? -1);
    const rate = onlyFilter ? [...ip.m.measures.values()].find((md) => md.entity === ip.entity && md.agg === 'ratio' && md.ratio?.numerator === partFilters[0]) : undefined;
    specs.push({ alias: 'share_pct', label: `share with ${part.map((p) => p.label).join(' and ')} (%)`, agg: 'ratio', numerator: part.map((p) => p.cond), denominator: rate ? rate.ratio!.denominator.flatMap((f) => filterConds(ip, f)) : [] });
  }
  const touched = new Set([...where, ...part].flatMap((w) => colsOf(w.cond)));
  // "trades by status": a column the answer is broken down by shows all its values, so a default
  // filter on that column does not hide some of them (within a period, "booked"/"due" keep it)
  if (!ip.ranges.length) for (const g of ip.groups) if (g.kind === 'column') touched.add(`${g.col.table}.${g.col.column}`);
  // one record named by its identifier: no default filter hides it
  const identified = [...ip.values.keys()].some((d) => !!ip.m.dimensions.get(d)?.values?.pattern);
  for (const fname of identified ? [] : e.defaultFilters) {
    const f = ip.m.filters.get(fname)!;
    const conds = f.where.map((c) => conditionOf(ip, c, e.table));
    if (conds.some((c) => colsOf(c).some((k) => touched.has(k)))) continue;
    // a ratio whose denominator already restricts the column decides for itself
    if (specs.some((s) => s.agg === 'ratio' && s.denominator!.length)) continue;
    conds.forEach((c) => where.push({ cond: c, label: f.label }));
  }

  // --- comparisons on amounts (WHERE) or on counts (HAVING)
  let having: TypedQuery['having'];
  // "counterparties with fewer than 50 live trades": the parent named first is what is counted per
  // ("counterparties with notional over 1bn": the parent's total of the amount named, likewise)
  // ("counterparties with a match rate below 99%": the parent's rate, likewise)
  if (!ip.groups.length && !ip.listDims.length && ip.looseParents.length && ip.cmps.some((c) => c.countNoun || (c.money && c.measure?.agg === 'sum' && !c.afterRows) || (c.measure?.agg === 'ratio' && !c.money) || (!c.measure && !c.money && !c.countNoun && specs.some((x) => x.agg === 'ratio')))) {
    const pe = ip.m.entities.get(ip.looseParents[0]!)!;
    const disp = pe.display[0]!;
    const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
    const dim = [...ip.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
    ip.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
  }
  // "counterparties with netting mismatches today": the rows' distinct parents, listed
  const firstLex = ip.items.find((x) => x.kind !== 'lex' || x.senses[0]?.kind !== 'stop');
  if (
    !ip.groups.length && !ip.listDims.length && ip.looseParents.length && !ip.countAsked && !ip.agg && !ip.measures.length &&
    // "counterparties with trades over 500m": an amount right after the rows filters those rows
    ip.cmps.every((c) => c.money && c.afterRows && !c.countNoun) &&
    firstLex?.senses[0]?.kind === 'entity' && (firstLex.senses[0] as { entity: string }).entity === ip.looseParents[0]
  ) {
    const pe = ip.m.entities.get(ip.looseParents[0]!)!;
    const disp = pe.display[0]!;
    const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
    const dim = [...ip.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
    ip.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
    ip.listAsked = true;
  }
  const groupsExist = ip.groups.length > 0 || ip.listDims.length > 0;
  for (const c of ip.cmps) {
    if (c.value === undefined) return { fail: 'a comparison without a number' };
    // "product types whose average live notional is above 50m": the groups' average, compared
    if (c.ofAggregate && c.money) {
      const idx = specs.findIndex((x) => x.agg === ip.agg && !!x.expr);
      if (!groupsExist || idx < 0 || specs.filter((x) => x.agg === ip.agg).length > 1) return { fail: `"${fmtNum(c.value)}" compares the ${ip.agg === 'avg' ? 'average' : ip.agg}, which this reading cannot place; ask for it by group` };
      having = { measure: idx, op: c.op, value: c.value };
      continue;
    }
    if (groupsExist && (c.countNoun || (!c.money && !c.measure))) {
      // a bare number (a percentage) against the rate the question names: that rate per group
      const rate = !c.countNoun ? specs.findIndex((x) => x.agg === 'ratio') : -1;
      having = { measure: Math.max(0, rate), op: c.op, value: c.value };
      continue;
    }
    if (groupsExist && c.measure && c.measure.agg !== 'count' && !c.afterRows) {
      // "counterparties with more than 1bn notional": compare the group's total
      let idx = specs.findIndex((s) => s.alias.includes(c.measure!.name));
      // "sectors with live notional above 10bn": the measure is named only in the comparison, so the
      // groups' total of it is what is compared (and shown, in place of a count nobody asked for)
      const md = c.measure;
      // "counterparties with a match rate below 99%": the groups' rate, compared (and shown)
      if (idx < 0 && md.agg === 'ratio' && md.ratio && !c.money && !specs.some((s) => s.agg === 'ratio')) {
        const spec: MeasureSpec = { alias: md.name + '_pct', label: md.label + ' (%)', agg: 'ratio', numerator: filterConds(ip, md.ratio.numerator), denominator: md.ratio.denominator.flatMap((f) => filterConds(ip, f)) };
        if (!ip.countAsked && specs.length === 1 && specs[0]!.alias === 'count') specs[0] = spec;
        else specs.push(spec);
        idx = specs.indexOf(spec);
      }
      if (idx < 0 && md.agg === 'sum' && md.expr && !specs.some((s) => s.agg === 'ratio')) {
        const x = native && md.native ? md.native : md.expr;
        const spec: MeasureSpec = { alias: `total_${md.name}${native && md.native ? '' : md.unit === 'USD' ? '_usd' : ''}`, label: `total ${md.label}`, agg: 'sum', expr: exprOf(ip, x, ip.m.entities.get(md.entity)!.table) };
        if (!ip.countAsked && specs.length === 1 && specs[0]!.alias === 'count') specs[0] = spec;
        else specs.push(spec);
        idx = specs.indexOf(spec);
      }
      if (idx >= 0) {
        having = { measure: idx, op: c.op, value: c.value };
        continue;
      }
    }
    // "notional by desk over 10bn": an amount compared after the groups' own total of it is that total
    // (HAVING); a single-row filter would answer another question. "live trades by desk over 10bn" (rows
    // named before the amount, counts asked) keeps comparing each row.
    if (groupsExist && c.money && !c.measure && !c.afterRows) {
      const amountSpecs = specs.map((s, i) => [s, i] as const).filter(([s]) => s.agg !== 'count' && s.agg !== 'count_distinct' && s.agg !== 'ratio');
      if (amountSpecs.length > 1 || (amountSpecs.length === 1 && amountSpecs[0]![0].agg !== 'sum'))
        return { fail: `"${fmtNum(c.value)}" could compare each row or each group's ${amountSpecs.map(([s]) => s.label).join(' / ')}; say which` };
      if (amountSpecs.length === 1) {
        having = { measure: amountSpecs[0]![1], op: c.op, value: c.value };
        continue;
      }
    }
    if (c.countNoun) return { fail: 'a count comparison needs something to group by' };
    // "how many counterparties have more than 1bn of live notional": each parent's total, counted, is not a row filter
    if (ip.distinctCols.length && c.money && c.measure?.agg === 'sum' && !c.afterRows) return { fail: `counting ${ip.distinctCols[0]!.label}s by their total ${c.measure.label} is not supported; ask to list them` };
    // "settled more than 2 days late": the per-row value of the measure named, compared on each row of it
    if (c.measure?.expr && !('column' in c.measure.expr) && !c.money && c.measure.entity === ip.entity) {
      const dm = c.measure;
      for (const r of dm.requires) {
        const f = ip.m.filters.get(r)!;
        for (const fc of filterConds(ip, r)) if (!where.some((w) => JSON.stringify(w.cond) === JSON.stringify(fc))) where.push({ cond: fc, label: f.label });
      }
      where.push({ cond: { kind: 'exprcmp', expr: exprOf(ip, dm.expr!, e.table), op: c.op, value: c.value }, label: `${dm.label} ${opWord(c.op)} ${fmtNum(c.value)}` });
      continue;
    }
    const md = c.measure && c.measure.expr && 'column' in c.measure.expr ? c.measure : amountMeasure;
    if (!md || !md.expr || !('column' in md.expr)) return { fail: `no amount to compare for ${e.label}` };
    const x = native && md.native && 'column' in md.native ? md.native : md.expr;
    const col = columnOf(ip, (x as { column: string }).column, ip.m.entities.get(md.entity)!.table);
    where.push({ cond: { kind: 'cmp', col, op: c.op, value: c.value }, label: `${md.label} ${opWord(c.op)} ${fmtNum(c.value)}` });
  }

  // --- time
  // "% of exceptions resolved this year": the word that makes the share's part ("resolved") does not move
  // the period onto its own date (only the part has one, so the share would always be 100%)
  if (share) ip.dateWords = ip.dateWords.filter((d) => !d.filter || !isPart('f:' + d.filter));
  const dateCol = pickDate(ip, measureDefs);
  let timeLabel: string | undefined;
  const groupBy: GroupSpec[] = [];
  if (ip.ranges.length || ip.bucket) {
    if (!dateCol) return { fail: `no date to apply "${(ip.ranges[0] ?? ip.bucket)!.text}" to for ${e.label}` };
    const labels: string[] = [];
    for (const r of ip.ranges) {
      where.push({ cond: { kind: 'date', col: dateCol.col, from: r.range!.from, to: r.range!.to }, label: `${dateCol.label} ${rangeWords(r.range!.from, r.range!.to)}` });
      labels.push(`${dateCol.label} ${rangeWords(r.range!.from, r.range!.to)}`);
    }
    timeLabel = labels.join(' and ') || undefined;
    if (ip.periodCompare) groupBy.push({ kind: 'period', col: dateCol.col, periods: ip.periodCompare, alias: 'period', label: 'period' });
    if (ip.bucket) {
      const b = ip.bucket.bucket!;
      if (b === 'quarter' || b === 'year') return { fail: `grouping by ${b} is not supported yet` };
      groupBy.push({ kind: 'bucket', col: dateCol.col, bucket: b, alias: b, label: `${b} of ${dateCol.label}` });
    }
  }
  groupBy.push(...ip.groups);

  // "the oldest open exception", "the 5 latest trades": rows ranked by their date
  if (ip.dateRank) {
    const named = ip.recordsMention || [...ip.filters].some((f) => ip.m.filters.get(f)!.implies && ip.m.filters.get(f)!.entity === ip.entity);
    if (!named || grouped || specs.some((x) => x.agg !== 'count') || ip.countAsked || !dateCol) return { fail: '"oldest" / "latest" rank rows of one kind by their date; name the rows' };
    // "the earliest settled date of settlements due this week": ranked by the date named with the
    // superlative, the period on the date next to it
    const ranked = ip.dateWords.find((d) => d.entity === ip.entity && !d.nearTime && d.column !== dateCol.col.column);
    const rankCol = ranked && ip.ranges.length ? { col: { table: e.table, column: ranked.column }, label: ranked.label } : dateCol;
    const cols = e.display.map((c) => {
      const col = columnOf(ip, c);
      return { col, alias: col.column, label: columnLabel(ip.m, col) };
    });
    if (!cols.some((c) => c.col.column === rankCol.col.column && c.col.table === rankCol.col.table)) cols.push({ col: rankCol.col, alias: rankCol.col.column, label: rankCol.label });
    // rows without that date are neither the oldest nor the latest (a fail has no settled date)
    const dated = where.some((w) => JSON.stringify(w.cond).includes(JSON.stringify(rankCol.col))) ? where : [...where, { cond: { kind: 'null' as const, col: rankCol.col, negate: true }, label: `a ${rankCol.label}` }];
    return done(ip, {
      shape: 'list',
      where: dated,
      listColumns: [...cols, ...ip.extraCols],
      orderBy: { expr: 'column', col: rankCol.col, dir: ip.dateRank, byDate: true },
      limit: ip.top?.n ?? 1,
      timeLabel,
      currency,
      groupBy: [],
      having: undefined,
      specs: [],
      distinct: false,
    });
  }

  // --- shape
  let shape: TypedQuery['shape'] = 'aggregate';
  let listColumns: TypedQuery['listColumns'] = [];
  let distinct = false;
  let orderBy: TypedQuery['orderBy'];
  let limit: number | undefined;
  if (listing) {
    shape = 'list';
    if (records && ip.rankRowsAsked && ip.listDims.length) {
      // "which trader booked the largest trade": the asked column of the top row(s)
      listColumns = [...ip.listDims];
    } else if (records) {
      listColumns = e.display.map((c) => {
        const col = columnOf(ip, c);
        return { col, alias: col.column, label: columnLabel(ip.m, col) };
      });
    } else {
      listColumns = ip.listDims;
      distinct = true;
    }
    for (const x of ip.extraCols) if (!listColumns.some((l) => l.col.column === x.col.column && l.col.table === x.col.table)) listColumns.push(x);
    // "live trades over 50m": the value the rows were picked by is shown next to them
    if (records && !(ip.rankRowsAsked && ip.listDims.length))
      for (const w of where) {
        if (w.cond.kind !== 'cmp' || !/^[<>]/.test(w.cond.op) || typeof w.cond.value !== 'number') continue;
        const col = w.cond.col;
        if (listColumns.some((l) => l.col.column === col.column && l.col.table === col.table)) continue;
        listColumns.push({ col, alias: listColumns.some((l) => l.alias === col.column) ? `${col.table}_${col.column}` : col.column, label: columnLabel(ip.m, col) });
      }
    if (ip.top || ip.superlative) {
      const md = ip.orderMeasure ?? amountMeasure;
      if (md?.expr) {
        const x = native && md.native ? md.native : md.expr;
        const ex = exprOf(ip, x, ip.m.entities.get(md.entity)!.table);
        orderBy = { expr: 'column', col: ex, dir: ip.top?.dir ?? ip.superlative ?? 'desc' };
        if (ex.kind === 'col' && !listColumns.some((l) => l.col.column === ex.col.column)) listColumns.push({ col: ex.col, alias: ex.col.column, label: md.label });
      }
      limit = ip.top?.n ?? 1;
    }
  } else {
    // "which books have more than 5 breaks": the listed column becomes the group
    for (const l of ip.listDims) groupBy.push({ kind: 'column', col: l.col, alias: l.alias, label: l.label });
    if (ip.extraCols.length) groupBy.push(...ip.extraCols.map((x) => ({ kind: 'column' as const, col: x.col, alias: x.alias, label: x.label })));
    if (ip.top || (ip.superlative && groupBy.length)) {
      const idx = ip.orderMeasure ? Math.max(0, specs.findIndex((s) => s.alias.includes(ip.orderMeasure!.name))) : 0;
      orderBy = { expr: 'measure', measure: idx, dir: ip.top?.dir ?? ip.superlative ?? 'desc' };
      limit = ip.top?.n ?? 1;
      if (!groupBy.length && ip.top?.n !== undefined) return { fail: 'top N of what? name what to rank' };
    }
  }
  if (shape === 'aggregate' && !groupBy.length && having) return { fail: 'a count comparison needs something to group by' };

  // two different values required of one column ("received" and "issued") cannot both hold
  const eqs = new Map<string, string | number>();
  for (const w of where) {
    if (w.cond.kind !== 'cmp' || w.cond.op !== '=') continue;
    const key = `${w.cond.col.table}.${w.cond.col.column}`;
    if (eqs.has(key) && eqs.get(key) !== w.cond.value) return { fail: `the question asks for both ${eqs.get(key)} and ${w.cond.value} as ${columnLabel(ip.m, w.cond.col)}` };
    eqs.set(key, w.cond.value);
  }
  return {
    query: {
      entity: ip.entity,
      table: e.table,
      entityLabel: e.label,
      shape,
      measures: shape === 'list' ? [] : specs,
      groupBy: shape === 'list' ? [] : groupBy,
      listColumns,
      distinct,
      where: dedupe(where),
      having,
      orderBy,
      limit,
      today: ip.today,
      timeLabel,
      currency,
    },
  };
}

function done(ip: Interpreter, p: { shape: TypedQuery['shape']; where: LabelledCondition[]; listColumns: TypedQuery['listColumns']; orderBy?: TypedQuery['orderBy']; limit?: number; timeLabel?: string; currency?: string; groupBy: TypedQuery['groupBy']; having?: TypedQuery['having']; specs: MeasureSpec[]; distinct: boolean }): { query: TypedQuery } {
  const e = ip.e;
  return {
    query: {
      entity: ip.entity,
      table: e.table,
      entityLabel: e.label,
      shape: p.shape,
      measures: p.specs,
      groupBy: p.groupBy,
      listColumns: p.listColumns,
      distinct: p.distinct,
      where: dedupe(p.where),
      having: p.having,
      orderBy: p.orderBy,
      limit: p.limit,
      today: ip.today,
      timeLabel: p.timeLabel,
      currency: p.currency,
    },
  };
}

function pickDate(ip: Interpreter, measures: MeasureDef[]): { col: ColumnRef; label: string } | undefined {
  const e = ip.e;
  for (const md of measures) {
    if (md.date) {
      const d = e.dates.find((x) => x.column === md.date);
      return { col: { table: e.table, column: md.date }, label: d?.label ?? columnLabel(ip.m, { table: e.table, column: md.date }) };
    }
  }
  // of several date words, the one next to the time phrase ("the USD value of flows settled yesterday")
  const own = ip.dateWords.find((d) => d.entity === ip.entity && d.nearTime) ?? ip.dateWords.find((d) => d.entity === ip.entity);
  if (own) return { col: { table: e.table, column: own.column }, label: own.label };
  if (ip.dateEntityHint && ip.dateEntityHint !== ip.entity) {
    const pe = ip.m.entities.get(ip.dateEntityHint)!;
    if (pe.defaultDate) return { col: { table: pe.table, column: pe.defaultDate }, label: pe.dates.find((d) => d.column === pe.defaultDate)?.label ?? pe.defaultDate };
  }
  const parent = ip.dateWords.find((d) => d.entity !== ip.entity);
  if (parent && !e.defaultDate) return { col: { table: ip.m.entities.get(parent.entity)!.table, column: parent.column }, label: parent.label };
  if (e.defaultDate) return { col: { table: e.table, column: e.defaultDate }, label: e.dates.find((d) => d.column === e.defaultDate)?.label ?? e.defaultDate };
  return undefined;
}
