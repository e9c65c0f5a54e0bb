/**
 * Saved questions: an answer kept with its question, the SQL the engine generated, the typed
 * query (semantic engine), the training version, the chart and its parameters. A saved question
 * runs again on current data through the query pipeline (`rerun`), by typed query when it has one
 * (so a changed training version that compiles it differently is noticed), else by its SQL.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import type { SqlDialect } from '../datasource/dialect.js';
import type { QueryPipeline, RerunAnswer, SavedQuestion as PipelineSaved, StreamedAnswer, TypedQuery } from '../nl2sql/index.js';
import { OtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { SavedQuestionsTable } from '../store/schema.js';
import { ReportErrorCode, savedNotFound } from './errors.js';

export interface SavedQuestion {
  id: string;
  owner: string;
  title: string;
  question: string;
  asOf: string | null;
  sql: string | null;
  query: TypedQuery | null;
  engine: string;
  explanation: string | null;
  trainingVersion: string | null;
  chart: Record<string, unknown> | null;
  parameters: Record<string, unknown> | null;
  auditId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Whether a saved question still means what it meant: 'current' (saved with the active version),
 * 'same' (another version is active and compiles it to the same SQL), 'changed' (it compiles to
 * other SQL now: offer to re-generate), 'uncompilable' (the typed query no longer compiles),
 * 'sql-only' (SQL from the language model: re-run as it is, guarded again).
 */
export type SavedStatus = 'current' | 'same' | 'changed' | 'uncompilable' | 'sql-only';

/** A saved question as the API shows it (routes/saved.ts, the web app): without its typed query and audit bookkeeping, with whether it still means the same. */
export type SavedQuestionView = Omit<SavedQuestion, 'query' | 'auditId' | 'updatedAt'> & { status: SavedStatus | 'not-trained'; statusText: string };

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

export function toSaved(r: SavedQuestionsTable): SavedQuestion {
  return {
    id: r.id,
    owner: r.owner,
    title: r.title,
    question: r.question,
    asOf: r.as_of,
    sql: r.sql,
    query: parse<TypedQuery>(r.query_json),
    engine: r.engine,
    explanation: r.explanation,
    trainingVersion: r.training_version,
    chart: parse(r.chart_json),
    parameters: parse(r.parameters_json),
    auditId: r.audit_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface SaveInput {
  owner: string;
  title?: string;
  question: string;
  asOf?: string;
  sql?: string;
  query?: TypedQuery;
  engine: string;
  explanation?: string;
  trainingVersion?: string;
  chart?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  auditId?: string;
}

export async function saveQuestion(store: Store, input: SaveInput, audit?: AuditLog): Promise<SavedQuestion> {
  if (input.sql === undefined && input.query === undefined) {
    throw new OtcError(ReportErrorCode.AnswerNotSavable, 'Only an answered question (with SQL) can be saved.', { status: 422 });
  }
  const now = new Date().toISOString();
  const row: SavedQuestionsTable = {
    id: randomUUID(),
    owner: input.owner,
    title: (input.title?.trim() || input.question).slice(0, 200),
    question: input.question,
    as_of: input.asOf ?? null,
    sql: input.sql ?? null,
    query_json: input.query ? JSON.stringify(input.query) : null,
    engine: input.engine,
    explanation: input.explanation ?? null,
    training_version: input.trainingVersion ?? null,
    chart_json: input.chart ? JSON.stringify(input.chart) : null,
    parameters_json: input.parameters ? JSON.stringify(input.parameters) : null,
    audit_id: input.auditId ?? null,
    created_at: now,
    updated_at: now,
  };
  await store.db.insertInto('saved_questions').values(row).execute();
  await audit?.append({ kind: 'report_run', actor: input.owner, outcome: 'ok', question: input.question, ...(input.sql ? { sql: input.sql } : {}), correlationId: input.auditId, details: { action: 'save_question', savedId: row.id, trainingVersion: input.trainingVersion } });
  return toSaved(row);
}

/**
 * Saves the answer recorded in the audit trail under `auditId` (what the person saw): the
 * question and its as-of date, the generated SQL, the typed query, the engine and the version.
 */
export async function saveAnswer(store: Store, audit: AuditLog, o: { auditId: string; owner: string; mayReadOthers: boolean; title?: string; chart?: Record<string, unknown>; parameters?: Record<string, unknown> }): Promise<SavedQuestion> {
  const records = (await audit.search({ text: o.auditId, limit: 50 })).filter((r) => r.correlationId === o.auditId);
  const asked = records.find((r) => r.kind === 'question');
  if (!asked?.question) throw new OtcError('OTC_ERR_ANSWER_NOT_FOUND', 'No answered question with this id: ask it again to save it.', { status: 404 });
  if (asked.actor !== o.owner && !o.mayReadOthers) throw new OtcError('OTC_ERR_FORBIDDEN', 'You can save only your own answers.', { status: 403 });
  const generated = records.find((r) => r.kind === 'sql_generated' && r.sql);
  const ran = records.find((r) => r.kind === 'query_run' && r.sql && !r.details?.tieCheck);
  if (!generated && !ran) throw new OtcError(ReportErrorCode.AnswerNotSavable, 'This question was not answered with SQL (refused, abstained or failed): nothing to save.', { status: 422 });
  const details = (asked.details ?? {}) as Record<string, unknown>;
  const gd = (generated?.details ?? {}) as Record<string, unknown>;
  return saveQuestion(
    store,
    {
      owner: o.owner,
      title: o.title,
      question: asked.question,
      asOf: typeof details.today === 'string' ? details.today : undefined,
      sql: generated?.sql ?? ran?.sql,
      query: (gd.query as TypedQuery | undefined) ?? undefined,
      engine: generated?.engine ?? ran?.engine ?? 'semantic',
      explanation: typeof gd.explanation === 'string' ? gd.explanation : undefined,
      trainingVersion: typeof details.trainingVersion === 'string' ? details.trainingVersion : undefined,
      chart: o.chart,
      parameters: o.parameters,
      auditId: o.auditId,
    },
    audit,
  );
}

export async function listSaved(store: Store, owner?: string): Promise<SavedQuestion[]> {
  let q = store.db.selectFrom('saved_questions').selectAll().orderBy('created_at', 'desc');
  if (owner !== undefined) q = q.where('owner', '=', owner);
  return (await q.execute()).map(toSaved);
}

export async function getSaved(store: Store, id: string): Promise<SavedQuestion> {
  const r = await store.db.selectFrom('saved_questions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw savedNotFound(id);
  return toSaved(r);
}

export async function deleteSaved(store: Store, id: string): Promise<void> {
  const r = await store.db.deleteFrom('saved_questions').where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw savedNotFound(id);
}

/** The status of a saved question under the pipeline's (active) training version, without running it. */
export function savedStatus(s: SavedQuestion, pipeline: Pick<QueryPipeline, 'semantic' | 'trainingVersion'>, dialect: SqlDialect): SavedStatus {
  if (!s.query) return 'sql-only';
  if (s.trainingVersion !== null && s.trainingVersion === pipeline.trainingVersion) return 'current';
  try {
    const now = pipeline.semantic.compile(s.query, dialect).sql;
    return s.sql === null || now === s.sql ? 'same' : 'changed';
  } catch {
    return 'uncompilable';
  }
}

/**
 * What the pipeline re-runs: at another as-of date, the question text (its relative dates, "this
 * week", "yesterday", resolve again at that date); else the typed query with its SQL (to notice
 * that the active version compiles it differently); else the stored SQL, guarded again.
 */
export function toPipelineSaved(s: SavedQuestion, asOf?: string): PipelineSaved {
  const version = s.trainingVersion ?? undefined;
  if (asOf !== undefined && asOf !== s.asOf && (s.query || s.engine === 'semantic')) return { question: s.question, today: asOf, trainingVersion: version };
  if (s.query) return { query: s.query, question: s.question, ...(s.sql !== null ? { sql: s.sql } : {}), trainingVersion: version };
  if (s.sql !== null) return { sql: s.sql, question: s.question, engine: s.engine === 'llm' ? 'llm' : 'semantic', trainingVersion: version };
  return { question: s.question, today: asOf ?? s.asOf ?? new Date().toISOString().slice(0, 10), trainingVersion: version };
}

/** Runs a saved question on current data through the pipeline (audited there, under `actor`). */
export function runSaved(pipeline: Pick<QueryPipeline, 'rerun'>, s: SavedQuestion, o: { actor: string; asOf?: string; maxRows?: number; details?: Record<string, unknown>; raise?: boolean }): Promise<RerunAnswer> {
  return pipeline.rerun(toPipelineSaved(s, o.asOf), { actor: o.actor, maxRows: o.maxRows, details: { savedId: s.id, ...o.details }, raise: o.raise });
}

/** Runs a saved question with its rows streamed (report runs of any size); errors are thrown, typed and audited. */
export function streamSaved(pipeline: Pick<QueryPipeline, 'rerunStream'>, s: SavedQuestion, o: { actor: string; asOf?: string; maxRows?: number; details?: Record<string, unknown>; orderBy?: { column: string; direction: 'asc' | 'desc' } }): Promise<StreamedAnswer> {
  return pipeline.rerunStream(toPipelineSaved(s, o.asOf), { actor: o.actor, maxRows: o.maxRows, details: { savedId: s.id, ...o.details }, ...(o.orderBy ? { orderBy: o.orderBy } : {}) });
}
