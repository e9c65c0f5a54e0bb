/**
 * Follow-ups: a question asked in a thread, read in the context of the previous answer's typed
 * query. Stages: the follow-up words (cues.ts) -> what the rest of the question names, read against
 * the previous rows (delta.ts) -> the operations that change the previous query (ops.ts) -> the
 * changed query and the words that say what changed. A follow-up that cannot be applied abstains;
 * a question that names its own rows and reads on its own is answered as a new question.
 */
import type { EngineModel } from '../model.js';
import type { QuestionParser } from '../parse.js';
import type { TypedQuery } from '../query.js';
import { conditionFromDef } from '../query-parts.js';
import { conditionOf } from '../resolve.js';
import { readCues } from './cues.js';
import { readDelta } from './delta.js';
import { createFollowUpOps, detailColumns, type FollowUpOps } from './ops.js';

export type { FollowUpOps } from './ops.js';
export { createFollowUpOps } from './ops.js';

export type FollowUpOutcome =
  | { status: 'query'; query: TypedQuery; changes: string[] }
  | { status: 'abstain'; reason: string }
  | { status: 'refuse'; reason: string };

export interface FollowUpReader {
  /**
   * The follow-up applied to the previous query. `anaphoric`: the question refers back by its words
   * ("and", "only", "those", "instead"...), so it is not read as a new question.
   */
  read(previous: TypedQuery, question: string, today: string): FollowUpOutcome & { anaphoric: boolean; plural: boolean };
  /** Do the question's words refer back to a previous answer ("and by currency?", "only those")? */
  refersBack(question: string): boolean;
}

export function createFollowUpReader(m: EngineModel, parser: QuestionParser, ops: FollowUpOps = createFollowUpOps(m)): FollowUpReader {
  return {
    read(previous, question, today) {
      const cues = readCues(question);
      const r = apply(m, parser, ops, previous, cues, today);
      return { ...r, anaphoric: cues.anaphoric, plural: cues.plural };
    },
    refersBack: (question) => readCues(question).anaphoric,
  };
}

function apply(m: EngineModel, parser: QuestionParser, ops: FollowUpOps, prev: TypedQuery, cues: ReturnType<typeof readCues>, today: string): FollowUpOutcome {
  if (!m.entities.has(prev.entity)) return { status: 'abstain', reason: 'the previous answer is not about rows this model knows' };
  if (cues.ties) {
    const r = ops.ties(prev);
    return 'fail' in r ? { status: 'abstain', reason: r.fail } : { status: 'query', query: { ...r.query, today }, changes: [r.change] };
  }
  const one = (r: ReturnType<FollowUpOps['top']>): FollowUpOutcome => ('fail' in r ? { status: 'abstain', reason: r.fail } : { status: 'query', query: { ...r.query, today }, changes: [r.change] });
  const grouped = prev.shape === 'aggregate' && prev.groupBy.length > 0;
  // "show all of them" after a top N: every group; after a figure it is the rows behind it (below)
  if (cues.all && grouped && prev.limit !== undefined) return one(ops.unlimit(prev));
  if (cues.all && prev.shape === 'aggregate' && !grouped) return one(ops.listing(prev, detailColumns(m, prev.entity, [])));
  // "which is the worst?": the first of the groups in the order asked
  if (cues.topOne && grouped) return one(ops.top(prev, { n: 1, dir: cues.topOne }));
  // "across all counterparties": the conditions on what is named taken off
  if (cues.acrossAll) {
    const a = readDelta(m, parser, `by ${cues.acrossAll}`, prev.entity, today);
    const cols = 'delta' in a && !a.delta.conds.length && !a.delta.measures ? a.delta.groups.flatMap((g) => (g.kind === 'column' ? [g.col] : [])) : [];
    const r = cols.length ? ops.unfilter(prev, cols) : undefined;
    if (r && !('fail' in r)) return one(r);
  }
  // "drop the FX": the rows of what is named left out (a view of the answer, never a change of data)
  if (cues.drop) {
    const x = readDelta(m, parser, `excluding ${cues.drop}`, prev.entity, today);
    const dx = 'delta' in x ? x.delta : undefined;
    if (dx && dx.conds.length && !dx.groups.length && !dx.measures && !dx.listing && !dx.range && !dx.bucket && !dx.top && !dx.percent && !dx.share) {
      let q: TypedQuery = { ...prev, today };
      const changes: string[] = [];
      for (const c of dx.conds) {
        const r = ops.filter(q, c);
        if ('fail' in r) return { status: 'abstain', reason: r.fail };
        q = r.query;
        changes.push(r.change);
      }
      return { status: 'query', query: q, changes };
    }
  }
  const d = readDelta(m, parser, cues.rest, prev.entity, today);
  if (!('delta' in d)) return d;
  const delta = d.delta;
  let q: TypedQuery = { ...prev, today };
  const changes: string[] = [];
  const step = (r: ReturnType<FollowUpOps['group']>): string | undefined => {
    if ('fail' in r) return r.fail;
    q = r.query;
    changes.push(r.change);
    return undefined;
  };
  const e = m.entities.get(prev.entity)!;
  const prevDate = prev.where.find((w) => w.cond.kind === 'date');
  const dateOf = () =>
    delta.dateCol ??
    (prevDate?.cond.kind === 'date'
      ? { col: prevDate.cond.col, label: prevDate.label.replace(/ (from|on|on or after|on or before) .*$/, '') }
      : e.defaultDate
        ? { col: { table: e.table, column: e.defaultDate }, label: e.dates.find((x) => x.column === e.defaultDate)?.label ?? e.defaultDate }
        : undefined);

  if (delta.listing) {
    const fail = step(ops.listing(q, detailColumns(m, prev.entity, delta.listing.entities)));
    return fail ? { status: 'abstain', reason: fail } : { status: 'query', query: q, changes };
  }
  if (delta.percent) {
    const ip = delta.ip!;
    for (const md of m.measures.values()) {
      if (md.entity !== prev.entity || md.agg !== 'ratio' || !md.ratio) continue;
      const num = m.filters.get(md.ratio.numerator)!;
      const ftable = m.entities.get(num.entity)!.table;
      const numerator = num.where.map((c) => conditionOf(ip, c, ftable));
      const denominator = md.ratio.denominator.flatMap((f) => m.filters.get(f)!.where.map((c) => conditionOf(ip, c, m.entities.get(m.filters.get(f)!.entity)!.table)));
      const has = numerator.every((c) => prev.where.some((w) => JSON.stringify(w.cond) === JSON.stringify(c)));
      if (!has) continue;
      const fail = step(ops.rate(q, { alias: `${md.name}_pct`, label: `${md.label} (%)`, agg: 'ratio', numerator, denominator }, numerator));
      return fail ? { status: 'abstain', reason: fail } : { status: 'query', query: q, changes };
    }
    // no rate counts these rows: a breakdown's groups as shares of the total, or the one condition the
    // question added as a share of the rows without it ("how many were cleared?" -> "as a percentage")
    if (grouped) {
      const fail = step(ops.share(q));
      return fail ? { status: 'abstain', reason: fail } : { status: 'query', query: q, changes };
    }
    const own = ownConditions(m, prev);
    if (own.length === 1 && prev.shape === 'aggregate' && prev.measures.length === 1 && prev.measures[0]!.agg === 'count') {
      const c = own[0]!;
      const fail = step(ops.rate(q, { alias: 'share_pct', label: `${c.label} (% of ${prev.entityLabel})`, agg: 'ratio', numerator: [c.cond], denominator: [] }, [c.cond]));
      return fail ? { status: 'abstain', reason: fail } : { status: 'query', query: q, changes };
    }
    return { status: 'abstain', reason: `"as a percentage" of what? no rate of ${prev.entityLabel} counts these rows` };
  }
  if (delta.measures) {
    const fail = step(ops.measures(q, delta.measures, delta.currency));
    if (fail && !/already/.test(fail)) return { status: 'abstain', reason: fail };
  } else if (delta.currency) {
    const fail = step(ops.currency(q, delta.currency));
    if (fail) return { status: 'abstain', reason: fail };
  }
  for (const c of delta.conds) {
    const fail = step(ops.filter(q, c));
    if (fail && !/already/.test(fail)) return { status: 'abstain', reason: fail };
  }
  if (delta.range) {
    const date = dateOf();
    if (!date) return { status: 'abstain', reason: `no date to apply "${delta.range.text}" to` };
    step(ops.period(q, delta.range, date));
  }
  if (delta.groups.length) {
    const fail = step(ops.group(q, delta.groups, cues.add ? 'add' : 'replace'));
    if (fail) return { status: 'abstain', reason: fail };
  }
  if (delta.bucket) {
    const date = dateOf();
    if (!date) return { status: 'abstain', reason: `no date to group by ${delta.bucket}` };
    step(ops.bucket(q, delta.bucket, date, cues.replace && !cues.add && !delta.groups.length ? 'replace' : 'add'));
  }
  if (delta.top) {
    const fail = step(ops.top(q, delta.top));
    if (fail) return { status: 'abstain', reason: fail };
  }
  if (delta.share) {
    const fail = step(ops.share(q));
    if (fail) return { status: 'abstain', reason: fail };
  }
  if (!changes.length) return { status: 'abstain', reason: 'the follow-up changes nothing in the previous answer' };
  return { status: 'query', query: q, changes };
}

/** The conditions of a query that are neither its period nor its rows' default filters: what its question named. */
function ownConditions(m: EngineModel, q: TypedQuery): TypedQuery['where'] {
  const e = m.entities.get(q.entity)!;
  const defaults = new Set(e.defaultFilters.flatMap((f) => m.filters.get(f)?.where.map((c) => JSON.stringify(conditionFromDef(c, e.table, q.today))) ?? []));
  return q.where.filter((w) => w.cond.kind !== 'date' && !defaults.has(JSON.stringify(w.cond)));
}
