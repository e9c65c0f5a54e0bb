/**
 * The semantic engine: deterministic, offline question -> SQL over a trained model, with a
 * plain-English explanation, and abstention ("I can't answer that from this data") or refusal
 * (a request to change data) instead of a guess.
 */
import type { SqlDialect } from '../../datasource/dialect.js';
import type { TrainedModel } from '../../training/index.js';
import type { EngineContext, EngineResult, NlEngine } from '../engine.js';
import type { ChoiceOption, ChoicePick } from '../types.js';
import { readAsked } from './asked.js';
import { readBanded } from './bands.js';
import { compileQuery } from './compile.js';
import { ensureCoverage } from './coverage.js';
import { applyAll, applyPick, measureAmbiguity, nameAmbiguity, rowsAmbiguity, type Ambiguity } from './choose/index.js';
import { readExists } from './exists.js';
import { createFollowUpReader } from './followup/index.js';
import { explain } from './explain.js';
import { buildFieldCatalog } from './fields.js';
import { buildEngineModel } from './model.js';
import { dueToVerb, negatedVerb, participleAmounts, whenRanked } from './paraphrase.js';
import { QuestionParser } from './parse.js';
import type { TypedQuery } from './query.js';
import { readQuestion } from './reading.js';
import { rewriteRelativePronouns } from './relative.js';
import { liftTypedQuery } from './semantic-lift.js';
import { semanticQuerySchema, type SemanticQuery } from './semantic-query.js';
import { resolveSemanticQuery, SemanticQueryError } from './semantic-resolve.js';
import { applyEachGroup, applyRank, applyWindow, reshapeEachGroup, reshapeQuestion, reshapeRank } from './reshape.js';
import { buildSuggestionPool, suggest } from './suggest.js';

export type { TypedQuery, Condition, LabelledCondition, ColumnRef } from './query.js';
export { joinPaths, type JoinStep } from './model.js';
export type { FollowUpOps } from './followup/index.js';

/** The names of a profile a semantic query is written in (for a language model's prompt). */
export interface SemanticNames {
  entities: { name: string; label: string; defaultDate?: string; defaultFilters: string[] }[];
  measures: { name: string; entity: string; label: string; agg: string }[];
  filters: { name: string; entity: string; label: string }[];
  fields: { name: string; label: string; kind: string; entity?: string }[];
}
export { SemanticQueryError } from './semantic-resolve.js';
export { semanticQuerySchema, semanticQueryJsonSchema, type SemanticQuery, type SemanticQueryInput } from './semantic-query.js';

export const ABSTAIN_MESSAGE = "I can't answer that from this data";

/** What the engine understood of a question: the typed query, or a refusal or an abstention. */
export type Understood =
  /** changes: for a follow-up, what it changed in the previous query */
  | { query: TypedQuery; status?: undefined; changes?: string[] }
  | { status: 'refused'; message: string; reason: string }
  | { status: 'abstained'; message: string; reason: string; suggestions: string[] }
  /** "which one?": a phrase that reads several ways; re-ask with one of the options' `pick` */
  | { status: 'choose'; message: string; reason: string; phrase: string; options: ChoiceOption[] };

/** The thread a question is asked in: the previous answer's query, and a "which one?" option picked. */
export interface UnderstandContext {
  previous?: TypedQuery;
  /** The question follows another one in its thread (whose query may be unknown: it was declined, or the language model answered). */
  inThread?: boolean;
  choice?: ChoicePick;
}

export interface SemanticEngine extends NlEngine {
  /** Synchronous: the semantic engine never waits on anything. */
  generate(question: string, ctx: EngineContext): EngineResult;
  /**
   * The typed query for a question, or why there is none: a refusal (a request to change data)
   * or an abstention with up to three close questions the engine can answer.
   */
  understand(question: string, today: string, ctx?: UnderstandContext): Understood;
  /** A typed query -> the dialect's SQL and its one-sentence explanation (deterministic). */
  compile(query: TypedQuery, dialect: SqlDialect): { sql: string; explanation: string };
  /**
   * The semantic query of a typed query (the profile's names; semantic-lift.ts): what the answer
   * shows as understood. Resolving it gives the same typed query, SQL and explanation.
   */
  describe(query: TypedQuery): SemanticQuery;
  /**
   * A semantic query (untrusted JSON, e.g. a language model's) -> the typed query, validated by the
   * zod schema and resolved with the profile's defaults; throws SemanticQueryError with the reason.
   */
  resolve(input: unknown, today: string): TypedQuery;
  /** The profile's names a semantic query may use: entities, measures, named filters, fields. */
  names(): SemanticNames;
  /** Runs the profile's example questions once so the first real question is as fast as the rest. */
  warmUp(dialect: SqlDialect): void;
}

export function createSemanticEngine(model: TrainedModel): SemanticEngine {
  const m = buildEngineModel(model);
  const parser = new QuestionParser(m);
  const pool = buildSuggestionPool(m);
  const fieldCatalog = buildFieldCatalog(m);
  // understand: parse, then hold the query against every output the question asks for (coverage.ts)
  const covered = (question: string, today: string): ReturnType<QuestionParser['parse']> => {
    // tokens and time phrases read once, for the parser and for what is asked
    const reading = readQuestion(question, today);
    const r = parser.parse(question, today, reading);
    if (r.status !== 'query') return r;
    const c = ensureCoverage(r.query, readAsked(m, question, today, reading), m);
    return 'abstain' in c ? { status: 'abstain', reason: c.abstain, unknown: [] } : { status: 'query', query: c.query };
  };
  const read = (question: string, today: string): ReturnType<QuestionParser['parse']> => {
    // "due to settle next week", "due to be settled": only "due" (the verb is what being due means)
    question = dueToVerb(question, m) ?? question;
    const r = windowed(question, today);
    if (r.status !== 'abstain') return r;
    // "desks whose fail rate ...": a relative pronoun after a noun qualifies it (relative.ts)
    const rel = rewriteRelativePronouns(question, m);
    const again = rel ? windowed(rel, today) : undefined;
    if (again?.status === 'query') return again;
    // "total called": the amount the participle names (paraphrase.ts)
    const pa = participleAmounts(rel ?? question, m);
    const paq = pa ? windowed(pa, today) : undefined;
    if (paq?.status === 'query') return paq;
    // "when was the oldest escalated exception raised": the earliest raised date of them (paraphrase.ts)
    const wr = whenRanked(rel ?? question, m);
    const wrq = wr ? windowed(wr, today) : undefined;
    if (wrq?.status === 'query') return wrq;
    // "clients with open deals but no late payment": conditions across entities (exists.ts);
    // "clients we haven't traded with" is "clients with no trades"
    const ex = readExists(negatedVerb(rel ?? question, m) ?? rel ?? question, today, m, (piece) => windowed(piece, today));
    if (ex) return { status: 'query', query: ex };
    // "exceptions with no trade linked": when no related rows are meant, "with no" is "without"
    const wn = (rel ?? question).replace(/\bwith\s+no\b/gi, 'without');
    const wnq = wn !== (rel ?? question) ? windowed(wn, today) : undefined;
    if (wnq?.status === 'query') return wnq;
    // "pending items by age: up to 5 days, 6 to 20, older": bands of a per-row value (bands.ts)
    const banded = readBanded(rel ?? question, today, m, (piece) => windowed(piece, today));
    if (banded) return { status: 'query', query: banded };
    // "rank X by Y": Y by X, largest first
    const rk = reshapeRank(rel ?? question);
    const ranked = rk ? windowed(rk, today) : undefined;
    const rq = ranked?.status === 'query' ? applyRank(ranked.query) : undefined;
    if (rq) return { status: 'query', query: rq };
    // "the biggest pending payment for each team": the ranked rows, per group
    const eg = reshapeEachGroup(rel ?? question);
    const each = eg ? windowed(eg.question, today) : undefined;
    const eq = each?.status === 'query' ? applyEachGroup(each.query, eg!.group, m) : undefined;
    return eq ? { status: 'query', query: eq } : r;
  };
  const windowed = (question: string, today: string): ReturnType<QuestionParser['parse']> => {
    const r = covered(question, today);
    if (r.status !== 'abstain') return r;
    // a share of the total or a running total: the grouped figure, then its window (reshape.ts)
    const rs = reshapeQuestion(question);
    const inner = rs ? covered(rs.question, today) : undefined;
    const q = inner?.status === 'query' ? applyWindow(inner.query, rs!.window) : undefined;
    return q ? { status: 'query', query: q } : r;
  };
  const followUps = createFollowUpReader(m, parser);
  const choose = (amb: Ambiguity): Understood => ({ status: 'choose', message: `Which one do you mean by "${amb.phrase}"?`, reason: `"${amb.phrase}" could mean ${amb.options.map((o) => o.label).join(' or ')}`, phrase: amb.phrase, options: amb.options });
  /**
   * "Which one?" only where a pick answers: the question with an option's words must read (else the
   * choice would only lead to "I can't answer that"); undefined when one does, else why none does.
   */
  const unanswerable = (amb: Ambiguity, question: string, today: string, previous?: TypedQuery): string | undefined => {
    let reason = 'the option picked does not fit the question';
    for (const o of amb.options) {
      const picked = applyPick(m, question, o.pick);
      if (!picked) continue;
      const f = previous ? followUps.read(previous, picked, today) : undefined;
      if (f?.status === 'query') return undefined;
      const r = f?.anaphoric ? f : read(picked, today);
      if (r.status === 'query') return undefined;
      if ('reason' in r) reason = r.reason;
    }
    return reason;
  };
  const alone = (question: string, today: string): Understood => {
    const r = read(question, today);
    if (r.status === 'query') {
      // "Biggest counterparties by volume": a word of several measures' phrases is asked about, not ignored
      const am = measureAmbiguity(m, question, r.query.entity);
      if (am) return choose(am);
      return { query: r.query };
    }
    if (r.status === 'refuse') return { status: 'refused', message: `Refused: ${r.reason}.`, reason: r.reason };
    const named = parser.namedEntities(question, today);
    const amb = (r.tie ? rowsAmbiguity(m, question, r.tie) : undefined) ?? nameAmbiguity(m, question, today) ?? (named.length <= 1 ? measureAmbiguity(m, question, named[0]) : undefined);
    const why = amb ? unanswerable(amb, question, today) : r.reason;
    if (amb && !why) return choose(amb);
    return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: why ?? r.reason, suggestions: suggest(pool, question) };
  };
  const understand = (question: string, today: string, ctx: UnderstandContext = {}): Understood => {
    if (ctx.choice) {
      const picked = applyPick(m, question, ctx.choice);
      if (!picked) return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: 'the option picked does not fit the question', suggestions: [] };
      question = picked;
    }
    if (!ctx.previous) {
      // "only the ones sent last week" after a question that was not answered: nothing to refine
      if (ctx.inThread && followUps.refersBack(question)) return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: 'the question refines the previous answer, which has no query to refine; ask it in full', suggestions: [] };
      return alone(question, today);
    }
    const f = followUps.read(ctx.previous, question, today);
    if (f.status === 'refuse') return { status: 'refused', message: `Refused: ${f.reason}.`, reason: f.reason };
    // a question that reads on its own and names its rows, other rows or its own period is a new
    // question, unless its words refer back ("and", "only", "those", "instead"...)
    const own = f.anaphoric ? undefined : alone(question, today);
    if (own) {
      const named = parser.namedEntities(question, today).length > 0;
      const complete = own.status === undefined ? named || own.query.timeLabel !== undefined : own.status !== 'abstained' && named;
      const rowsBehind = f.status === 'query' && f.query.shape === 'list' && ctx.previous.shape !== 'list';
      if (complete && !rowsBehind) return own;
    }
    if (f.status === 'query') return { query: f.query, changes: f.changes };
    if (f.anaphoric) {
      // "only Juniper": the follow-up's own words may be the ambiguous ones
      const amb = nameAmbiguity(m, question, today);
      // "just the Castellan ones": every name the words match, not a choice between them
      const every = amb && f.plural ? applyAll(m, question, amb.options.map((o) => o.pick)) : undefined;
      const all = every ? followUps.read(ctx.previous, every, today) : undefined;
      if (all?.status === 'query') return { query: all.query, changes: all.changes };
      if (amb && !unanswerable(amb, question, today, ctx.previous)) return choose(amb);
      return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: `as a follow-up of the previous answer: ${f.reason}`, suggestions: [] };
    }
    return own ?? alone(question, today);
  };
  const compile = (query: TypedQuery, dialect: SqlDialect) => ({ sql: compileQuery(query, m, dialect), explanation: explain(query) });
  const generate = (question: string, ctx: EngineContext): EngineResult => {
    const u = understand(question, ctx.today);
    // without a thread to answer "which one?" in, the choice is the reason it cannot answer
    if (u.status === 'choose') return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: `which one? ${u.reason}`, suggestions: suggest(pool, question) };
    return u.status ? u : { status: 'sql', ...compile(u.query, ctx.dialect) };
  };
  return {
    name: 'semantic',
    understand,
    compile,
    generate,
    describe: (query) => liftTypedQuery(query, m, fieldCatalog),
    resolve(input, today) {
      const p = semanticQuerySchema.safeParse(input);
      if (!p.success) throw new SemanticQueryError(`the semantic query does not match its schema: ${p.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return resolveSemanticQuery(p.data, { m, fields: fieldCatalog, today });
    },
    names: () => ({
      entities: [...m.entities.values()].map((e) => ({ name: e.name, label: e.label, ...(e.defaultDate ? { defaultDate: fieldCatalog.byColumn.get(`${e.table}.${e.defaultDate}`) } : {}), defaultFilters: e.defaultFilters })),
      measures: [...m.measures.values()].map((x) => ({ name: x.name, entity: x.entity, label: x.label, agg: x.agg })),
      filters: [...m.filters.values()].map((f) => ({ name: f.name, entity: f.entity, label: f.label })),
      fields: [...fieldCatalog.byName.values()].map((f) => ({ name: f.name, label: f.label, kind: f.kind, entity: m.entityByTable.get(f.col.table) })),
    }),
    warmUp(dialect) {
      for (const ex of model.profile.examples.slice(0, 30)) generate(ex.question, { today: '2026-01-15', dialect });
    },
  };
}

export type { SqlDialect };
