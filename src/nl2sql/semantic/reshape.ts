/**
 * Shares of a total and running totals: "each region's share of the amount", "what % of X is in each
 * currency", "running total of notional by day". The words that ask for the window are taken out, the
 * rest is understood as an ordinary grouped figure ("live notional by desk"), and the figure is then
 * shown next to its window (compile.ts: SUM(..) OVER ()). Plain English only; nothing of a schema.
 */
import type { EngineModel } from './model.js';
import { distance } from './model.js';
import type { MeasureSpec, TypedQuery } from './query.js';
import { normPhrase } from '../../training/index.js';

export interface Reshaped {
  /** the question without the window's words */
  question: string;
  window: 'share' | 'running';
}

const PCT = String.raw`(?:%|percent(?:age)?|pct|fraction|share|proportion)`;

export function reshapeQuestion(question: string): Reshaped | undefined {
  let q = ` ${question.trim().replace(/[?.!]+$/, '')} `;
  // running totals: "running total of", "cumulative number of", "running count of"
  if (/\b(running|cumulative)\b/i.test(q)) {
    q = q.replace(/\b(running|cumulative)\s+(total|sum)\s+of\b/gi, 'total').replace(/\b(running|cumulative)\s+(count|number)\s+of\b/gi, 'number of').replace(/\b(running|cumulative)\b/gi, ' ');
    return { question: tidy(q), window: 'running' };
  }
  let hit = false;
  // "each desk's share of (the total) live notional" -> "live notional by desk"
  q = q.replace(new RegExp(String.raw`\b(?:each|every)\s+([a-z]+(?:\s[a-z]+)?)['’]s\s+${PCT}\s+of\s+(?:the\s+total\s+)?(.+)$`, 'i'), (_m, g: string, rest: string) => {
    hit = true;
    return `${rest} by ${g}`;
  });
  // "... as a percentage of all fails", "... as a share of the total"
  q = q.replace(new RegExp(String.raw`\bas\s+an?\s+${PCT}\s+of\s+(?:all|the\s+total|the\s+whole)\b.*$`, 'i'), () => {
    hit = true;
    return ' ';
  });
  // "what % of the amount paid this week goes to each currency", "what fraction of X sits in each region"
  q = q.replace(new RegExp(String.raw`\b(?:what|which)\s+${PCT}\s+of\s+(?:the\s+)?`, 'i'), () => {
    hit = true;
    return ' ';
  });
  // "share of pending items by team, in %"
  q = q.replace(new RegExp(String.raw`^\s*(?:the\s+)?${PCT}\s+of\s+(?:the\s+total\s+)?`, 'i'), () => {
    hit = true;
    return ' ';
  });
  if (!hit) return undefined;
  q = q.replace(/,?\s*\bin\s+(%|percent(age)?)\s*/gi, ' ');
  q = q.replace(/\b(?:is|are|sits?|goes|falls?|lies)\s+in\s+(?:each|every)\b/gi, 'by');
  return { question: tidy(q), window: 'share' };
}

function tidy(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\s+,/g, ',').trim();
}

/** The understood grouped figure, with its window; undefined when the reading is not one figure per group. */
export function applyWindow(q: TypedQuery, window: Reshaped['window']): TypedQuery | undefined {
  if (q.shape !== 'aggregate' || q.measures.length !== 1 || q.having || q.limit !== undefined || !q.groupBy.length) return undefined;
  const base = q.measures[0]!;
  if (base.agg !== 'count' && base.agg !== 'sum') return undefined;
  if (window === 'running' && !q.groupBy.some((g) => g.kind === 'bucket')) return undefined;
  if (window === 'share' && !q.groupBy.some((g) => g.kind === 'column')) return undefined;
  const spec: MeasureSpec =
    window === 'share'
      ? { ...base, alias: `${base.alias}_share_pct`, label: `share of the total ${base.label} (%)`, window }
      : { ...base, alias: `running_${base.alias}`, label: `running total of ${base.label}`, window };
  return { ...q, measures: [base, spec] };
}

/** "rank books by the number of breaks they hold": the figure by the group, largest first. */
export function reshapeRank(question: string): string | undefined {
  const mt = /^\s*rank\s+(?:the\s+|our\s+)?(.+?)\s+by\s+(?:the\s+|their\s+)?(.+?)(?:\s+(?:they|it)\s+(?:have|has|hold|holds|own|owns|handle|handles|carry|carries))?\s*[?.!]*$/i.exec(question);
  return mt ? `${mt[2]} by ${mt[1]}` : undefined;
}

/** The grouped figure ranked, largest first. */
export function applyRank(q: TypedQuery): TypedQuery | undefined {
  if (q.shape !== 'aggregate' || !q.groupBy.length || q.orderBy || q.limit !== undefined || !q.measures.length) return undefined;
  return { ...q, orderBy: { expr: 'measure', measure: 0, dir: 'desc' } };
}

/** "the biggest pending payment ... for each team": the ranked rows asked once per group. */
export function reshapeEachGroup(question: string): { question: string; group: string } | undefined {
  const mt = /^(.*?)\s+(?:for|from|in|within|across)\s+(?:each|every)\s+([a-z][a-z ]*?)(?=\s+(?:this|last|next|in|on|since|over|during|from|with)\b|\s*[?.!]*$)(.*)$/i.exec(question.trim());
  if (!mt) return undefined;
  return { question: `${mt[1]}${mt[3]}`.replace(/\s+/g, ' ').trim(), group: mt[2]!.trim() };
}

/** The ranked listing, now the first N rows of each value of the group named. */
export function applyEachGroup(q: TypedQuery, group: string, m: EngineModel): TypedQuery | undefined {
  if (q.shape !== 'list' || q.orderBy?.expr !== 'column' || q.limit === undefined || q.perGroup) return undefined;
  const senses = m.lexicon.phrases.get(normPhrase(group)) ?? [];
  const reach = (t: string) => t === q.table || distance(m, q.entity, t) !== undefined;
  for (const s of senses) {
    if (s.kind === 'dimension' && reach(s.table)) {
      const d = m.dimensions.get(s.dimension)!;
      return { ...q, perGroup: { partition: [], columns: [{ col: { table: d.table, column: d.column }, alias: `group_${d.name}`, label: d.label }] } };
    }
    if (s.kind === 'entity' && s.entity !== q.entity) {
      const e = m.entities.get(s.entity)!;
      const disp = e.display[0]!;
      const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: e.table, column: disp };
      if (reach(col.table)) return { ...q, perGroup: { partition: [], columns: [{ col, alias: `group_${col.column}`, label: e.label }] } };
    }
  }
  return undefined;
}
