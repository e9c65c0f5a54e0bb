/**
 * Feedback on answers: a thumbs up (the SQL was right) or a thumbs down with the corrected SQL,
 * stored as a candidate example; an admin promotes candidates into a new draft version.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/index.js';
import type { FeedbackVerdict } from '../../store/index.js';
import type { ExampleDef } from '../profile-schema.js';
import { badFeedback, notTrained } from './errors.js';
import type { AuditSink, ChangeBy, TrainingContext } from './types.js';
import { createVersion, getActiveVersion, loadVersionModel, type CreatedVersion } from './versions.js';

export interface FeedbackInput {
  question: string;
  verdict: FeedbackVerdict;
  /** The SQL of the answer. Required for a thumbs up. */
  sql?: string;
  /** The right SQL. Required for a thumbs down. */
  correctedSql?: string;
  /** A user id of the store (users.id), when known. */
  userId?: string;
  /** Who, for the audit trail (user name). */
  actor?: string;
  auditId?: string;
  trainingVersionId?: string;
  /** The day the question was asked (YYYY-MM-DD): the example validates as of that day. */
  asOf?: string;
}

export interface FeedbackCandidate {
  id: string;
  question: string;
  verdict: FeedbackVerdict;
  sql: string | null;
  correctedSql: string | null;
  /** The SQL the example would carry: the correction, else the answer's SQL. */
  exampleSql: string;
  trainingVersionId: string | null;
  userId: string | null;
  createdAt: string;
  status: string;
  /** The day the question was asked: the example validates as of that day. */
  asOf: string | null;
}

/** Stores feedback as a candidate example. */
export async function recordFeedback(store: Store, input: FeedbackInput, audit?: AuditSink): Promise<FeedbackCandidate> {
  const question = input.question?.trim();
  if (!question || question.length < 3) throw badFeedback('feedback needs the question it is about');
  const sql = input.sql?.trim() || null;
  const corrected = input.correctedSql?.trim() || null;
  if (input.verdict === 'up' && !sql) throw badFeedback('a thumbs up needs the SQL of the answer');
  if (input.verdict === 'down' && !corrected) throw badFeedback('a thumbs down needs the corrected SQL, so it can become an example');
  const row = {
    id: randomUUID(),
    question,
    sql,
    corrected_sql: corrected,
    verdict: input.verdict,
    user_id: input.userId ?? null,
    audit_id: input.auditId ?? null,
    training_version_id: input.trainingVersionId ?? null,
    status: 'candidate' as const,
    created_at: new Date().toISOString(),
    as_of: input.asOf && /^\d{4}-\d{2}-\d{2}$/.test(input.asOf) ? input.asOf : null,
  };
  await store.db.insertInto('feedback').values(row).execute();
  if (audit)
    await audit.append({ kind: 'feedback', actor: input.actor ?? 'unknown', outcome: 'ok', question, sql: corrected ?? sql ?? undefined, details: { feedbackId: row.id, verdict: input.verdict, ...(input.auditId ? { answerAuditId: input.auditId } : {}) } });
  return toCandidate(row);
}

function toCandidate(r: { id: string; question: string; verdict: FeedbackVerdict; sql: string | null; corrected_sql: string | null; training_version_id: string | null; user_id: string | null; created_at: string; status: string; as_of?: string | null }): FeedbackCandidate {
  return {
    id: r.id,
    question: r.question,
    verdict: r.verdict,
    sql: r.sql,
    correctedSql: r.corrected_sql,
    exampleSql: (r.corrected_sql ?? r.sql)!,
    trainingVersionId: r.training_version_id,
    userId: r.user_id,
    createdAt: r.created_at,
    status: r.status,
    asOf: r.as_of ?? null,
  };
}

/** Candidate examples, oldest first; with a datasource key, only feedback given under that datasource's versions. */
export async function listCandidates(store: Store, datasourceKey?: string): Promise<FeedbackCandidate[]> {
  let q = store.db.selectFrom('feedback').selectAll('feedback').where('feedback.status', '=', 'candidate');
  if (datasourceKey !== undefined)
    q = q.innerJoin('training_versions', 'training_versions.id', 'feedback.training_version_id').where('training_versions.datasource', '=', datasourceKey);
  const rows = await q.orderBy('feedback.created_at').execute();
  return rows.map(toCandidate);
}

/**
 * A new draft version = the active version plus the candidates as examples (a correction
 * replaces the SQL of an example with the same question). The candidates are marked promoted.
 */
export async function promoteCandidates(ctx: TrainingContext, ids: string[], by: ChangeBy): Promise<CreatedVersion & { promoted: number }> {
  if (!ids.length) throw badFeedback('name at least one feedback candidate to promote');
  const rows = await ctx.store.db.selectFrom('feedback').selectAll().where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw badFeedback(`unknown feedback id(s): ${missing.join(', ')}`);
  const notCandidates = rows.filter((r) => r.status !== 'candidate');
  if (notCandidates.length) throw badFeedback(`feedback ${notCandidates.map((r) => `${r.id} (${r.status})`).join(', ')} is not a candidate any more`);
  const base = await getActiveVersion(ctx);
  if (!base) throw notTrained(ctx.datasourceKey);
  const model = await loadVersionModel(ctx, base.id);
  const examples: ExampleDef[] = model.profile.examples.map((e) => ({ ...e }));
  for (const r of [...rows].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
    const c = toCandidate(r);
    const at = examples.findIndex((e) => e.question.trim().toLowerCase() === c.question.toLowerCase());
    const asOf = c.asOf ? { asOf: c.asOf } : {};
    if (at >= 0) examples[at] = { question: examples[at]!.question, sql: c.exampleSql, ...asOf };
    else examples.push({ question: c.question, sql: c.exampleSql, ...asOf });
  }
  const created = await createVersion(ctx, {
    model: { ...model, profile: { ...model.profile, examples } },
    by: { actor: by.actor, reason: by.reason ?? `promoted ${rows.length} feedback example(s)` },
    action: 'promote',
    parentVersionId: base.id,
    details: { feedbackIds: ids },
  });
  await ctx.store.db.updateTable('feedback').set({ status: 'promoted' }).where('id', 'in', ids).execute();
  return { ...created, promoted: rows.length };
}
