/**
 * What a follow-up's words say, read against the previous answer's rows (its entity): the groups,
 * filters, period, measures, ranking or listing it names. The fragment is read by the same lexicon,
 * grammar and time grammar as any question (QuestionParser.readFragment); its named parts are then
 * resolved with the same resolver, and the profile's defaults it would add are left out (they are
 * already in the previous query).
 */
import type { TimeBucket } from '../time/index.js';
import type { Interpreter } from '../interpret.js';
import type { EngineModel } from '../model.js';
import type { QuestionParser } from '../parse.js';
import type { ColumnRef, GroupSpec, LabelledCondition, MeasureSpec } from '../query.js';
import { build, conditionOf } from '../resolve.js';
import { reshapeQuestion } from '../reshape.js';

export interface Delta {
  /** column groups named ("by currency") */
  groups: GroupSpec[];
  /** a time bucket named ("by month") */
  bucket?: Exclude<TimeBucket, 'quarter' | 'year'>;
  /** filters and values named ("only EUR", "excluding cleared"), without the profile's defaults */
  conds: LabelledCondition[];
  /** a period named ("last week"), with the date it is on when the fragment names one */
  range?: { from?: string; to?: string; text: string };
  dateCol?: { col: ColumnRef; label: string };
  /** measures named ("the total break amount", "their notional"), resolved for the rows */
  measures?: MeasureSpec[];
  /** one currency named: amounts in it */
  currency?: string;
  top?: { n?: number; dir: 'asc' | 'desc' };
  /** "show me the trades": the rows behind the figure; the entities named */
  listing?: { entities: string[] };
  /** "as a percentage": the figure as the rate it is the numerator of */
  percent: boolean;
  /** "as a share of the total" */
  share: boolean;
  /** the grammar's reading of the fragment (absent when only a window was asked) */
  ip?: Interpreter;
}

export type DeltaOutcome = { delta: Delta } | { status: 'abstain'; reason: string } | { status: 'refuse'; reason: string };

const CONTENT = new Set(['measure', 'filter', 'value', 'dimension', 'entity', 'date', 'reporting']);

export function readDelta(m: EngineModel, parser: QuestionParser, text: string, entity: string, today: string): DeltaOutcome {
  const share = reshapeQuestion(text);
  const words = share?.window === 'share' ? share.question : text;
  if (!words.trim()) {
    if (share?.window === 'share') return { delta: { groups: [], conds: [], percent: false, share: true } };
    return { status: 'abstain', reason: 'the follow-up says nothing to change' };
  }
  const r = parser.readFragment(words, today, entity);
  if (r.status !== 'read') return r.status === 'refuse' ? r : { status: 'abstain', reason: r.reason };
  const ip = r.ip;
  const senses = ip.items.filter((it) => it.kind === 'lex').map((it) => it.senses[0]!);
  const content = senses.filter((s) => CONTENT.has(s.kind));
  // "show me the trades", "list them": a listing that names nothing but rows
  const listing = (ip.listAsked || ip.whichAsked) && content.every((s) => s.kind === 'entity') && !ip.ranges.length && !ip.bucket && !ip.top;
  if (listing) return { delta: { groups: [], conds: [], percent: false, share: false, listing: { entities: content.map((s) => (s as { entity: string }).entity) }, ip } };
  const percent = ip.percentAsked && !content.length && !ip.ranges.length && !ip.bucket;
  if (percent) return { delta: { groups: [], conds: [], percent: true, share: false, ip } };

  const e = m.entities.get(entity)!;
  const built = build(ip);
  const namesParts = ip.filters.size > 0 || ip.values.size > 0 || ip.currencyValues.length > 0 || ip.cmps.length > 0 || ip.nullDims.length > 0 || ip.notNullCols.length > 0;
  const namesMeasure = ip.measures.length > 0 || (!!ip.agg && ip.agg !== 'count') || ip.distinctCols.length > 0;
  const namesGroups = ip.groups.length > 0 || ip.listDims.length > 0 || ip.extraCols.length > 0;
  if ('fail' in built && (namesParts || namesMeasure || namesGroups)) return { status: 'abstain', reason: built.fail };
  const q = 'query' in built ? built.query : undefined;

  // the profile's default filters the fragment did not name, and the period, are not the fragment's own
  const defaults = new Set<string>();
  for (const name of e.defaultFilters) {
    if (ip.filters.has(name)) continue;
    const f = m.filters.get(name)!;
    for (const c of f.where) defaults.add(JSON.stringify(conditionOf(ip, c, e.table)));
  }
  const ranges = new Set(ip.ranges.map((t) => `${t.range?.from}|${t.range?.to}`));
  const conds = (q?.where ?? []).filter((w) => !defaults.has(JSON.stringify(w.cond)) && !(w.cond.kind === 'date' && ranges.has(`${w.cond.from}|${w.cond.to}`)));
  const groups = namesGroups && q ? q.groupBy.filter((g) => g.kind === 'column') : [];
  const range = ip.ranges[0]?.range ? { from: ip.ranges[0].range.from, to: ip.ranges[0].range.to, text: ip.ranges[0].text } : undefined;
  const own = ip.dateWords.find((d) => d.entity === entity && !d.filter);
  const dateCol = own ? { col: { table: e.table, column: own.column }, label: own.label } : undefined;
  const b = ip.bucket?.bucket;
  if (b === 'quarter' || b === 'year') return { status: 'abstain', reason: `grouping by ${b} is not supported yet` };
  return {
    delta: {
      groups,
      bucket: b,
      conds,
      range,
      dateCol,
      measures: namesMeasure || (ip.countAsked && q) ? q?.measures : undefined,
      currency: q?.currency,
      top: ip.top ?? (ip.superlative && !namesMeasure ? { dir: ip.superlative } : undefined),
      percent: false,
      share: share?.window === 'share',
      ip,
    },
  };
}
