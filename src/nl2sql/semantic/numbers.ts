/**
 * The grammar stage's numbers: a number said in a question and what it is (a comparison's value,
 * "between 50m and 100m", "5 or more", the N of a top N), and ordinal values ("A or better").
 * Part of the interpreter (interpret.ts): it records what it read in the interpreter's fields.
 */
import type { CmpOp, GrammarSense } from './grammar.js';
import type { Interpreter } from './interpret.js';

/** The number at item k: the index of the last item it used, or 'fail' when it says nothing readable. */
export function readNumber(ip: Interpreter, k: number): number | 'fail' {
  const it = ip.items[k]!;
  let v = it.number!;
  let j = k;
  const next = ip.items[k + 1];
  let money = /^\d.*[a-z]$/i.test(it.text);
  if (next?.senses[0]?.kind === 'unit') {
    v *= (next.senses[0] as { factor: number }).factor;
    j = k + 1;
    money = true;
  }
  if (next?.senses[0]?.kind === 'times') {
    // "chased more than 3 times" is a count of 3; "3 times the average" compares with a multiple of a
    // figure, which is not read: no answer rather than "> 3"
    let a = k + 2;
    while (ip.items[a]?.senses[0]?.kind === 'stop') a++;
    const after = ip.items[a]?.senses[0]?.kind;
    if (after === 'agg' || after === 'measure' || after === 'count') return 'fail';
    j = k + 1;
  }
  const prev = ip.items[k - 1];
  // "between 50m and 100m": two bounds, inclusive
  if (ip.betweenAt >= 0 && prev && (ip.betweenAt === k - 1)) {
    const andIt = ip.items[j + 1];
    const hi = ip.items[j + 2];
    if (andIt?.text.toLowerCase() === 'and' && hi?.kind === 'number') {
      let v2 = hi.number!;
      let j2 = j + 2;
      const unit = ip.items[j2 + 1];
      if (unit?.senses[0]?.kind === 'unit') {
        v2 *= (unit.senses[0] as { factor: number }).factor;
        j2++;
        money = true;
      }
      if (money && v < 1000 && v2 >= 1000 && next?.senses[0]?.kind !== 'unit') v *= v2 >= 1e9 && v < 1000 ? 1e9 : 1e6;
      const measure = ip.betweenMeasure ?? undefined;
      ip.cmps.push({ op: '>=', value: v, money, measure }, { op: '<=', value: v2, money, measure });
      ip.betweenAt = -1;
      return j2;
    }
    return 'fail';
  }
  const cmp = ip.cmps[ip.cmps.length - 1];
  if (cmp && cmp.value === undefined && prev && (prev.senses[0]?.kind === 'cmp' || (prev.senses[0]?.kind === 'reporting' && ip.items[k - 2]?.senses[0]?.kind === 'cmp'))) {
    cmp.value = v;
    cmp.money = money;
    // a count noun after the number: "more than 5 open breaks"
    const after = ip.items[j + 1];
    const s = after?.senses[0];
    if (s && (s.kind === 'filter' || s.kind === 'entity') && !money) cmp.countNoun = true;
    if (s?.kind === 'measure' && !money && ip.m.measures.get(s.measure)?.agg === 'count') cmp.countNoun = true;
    return j;
  }
  // "5 or more", "5 and above"
  const after = ip.items[j + 1];
  if (after?.senses[0]?.kind === 'cmp' && /^(or|and)\b/i.test(after.text)) {
    const s2 = ip.items[j + 2]?.senses[0];
    ip.cmps.push({ op: (after.senses[0] as { op: CmpOp }).op, value: v, money, countNoun: !money && !!s2 && (s2.kind === 'filter' || s2.kind === 'entity') });
    return j + 1;
  }
  if (ip.top && ip.top.n === undefined) {
    ip.top.n = v;
    return j;
  }
  // "five counterparties with the most fails": a count of what follows, ranked
  const nx = after?.senses[0];
  if (!money && Number.isInteger(v) && (nx?.kind === 'entity' || nx?.kind === 'dimension') && !ip.top) {
    ip.top = { n: v, dir: 'desc' };
    ip.pending = 'top';
    return j;
  }
  const s = after?.senses[0];
  if (s?.kind === 'dateRank') {
    ip.top = { n: v, dir: s.dir };
    return j;
  }
  if (s?.kind === 'agg' && s.superlative) {
    ip.top = { n: v, dir: s.superlative };
    ip.pending = 'top';
    return j + 1;
  }
  return 'fail';
}

/** "A or better", "BBB and worse": the rating named before, widened along the dimension's order. */
export function readOrdinal(ip: Interpreter, s: Extract<GrammarSense, { kind: 'ordinal' }>): boolean {
  for (const [dimName, set] of ip.values) {
    const d = ip.m.dimensions.get(dimName)!;
    const order = d.values?.order;
    if (!order || set.size !== 1) continue;
    const v = [...set][0]!;
    const idx = order.indexOf(v);
    if (idx < 0) continue;
    const present = new Set(ip.m.model.values.find((c) => c.dimension === dimName)?.values.map((x) => x.value) ?? order);
    const picked = s.dir === 'worse' ? order.slice(idx) : order.slice(0, idx + 1);
    ip.values.set(dimName, new Set(picked.filter((x) => present.has(x))));
    return true;
  }
  return false;
}
