/**
 * Threads: each user's conversations on the Ask page, kept in the application store. A question
 * asked in a thread is answered in the context of the thread's last answer (a follow-up refines
 * its typed query; the language model gets its question, SQL and explanation), and is recorded as
 * the thread's next turn with the audit ids of the question and of the one it follows. Threads are
 * listed and searched per owner, opened, and re-run on today's data (each turn again, in order).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AskAnswer, ChoicePick, PreviousTurn, QueryPipeline, TypedQuery } from '../nl2sql/index.js';
import { OtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { ThreadsTable, ThreadTurnsTable } from '../store/schema.js';

export interface ThreadTurn {
  seq: number;
  question: string;
  asOf: string;
  status: string;
  engine: string | null;
  explanation: string | null;
  sql: string | null;
  query: TypedQuery | null;
  choice: ChoicePick | null;
  rowCount: number | null;
  auditId: string | null;
  followsAuditId: string | null;
  createdAt: string;
}

export interface ThreadSummary {
  id: string;
  owner: string;
  title: string;
  turns: number;
  createdAt: string;
  updatedAt: string;
}

export interface Thread extends ThreadSummary {
  items: ThreadTurn[];
}

export const threadNotFound = (id: string) => new OtcError('OTC_ERR_THREAD_NOT_FOUND', `No thread ${id}: it may belong to someone else.`, { status: 404 });

const summary = (r: ThreadsTable): ThreadSummary => ({ id: r.id, owner: r.owner, title: r.title, turns: r.turns, createdAt: r.created_at, updatedAt: r.updated_at });
const turn = (r: ThreadTurnsTable): ThreadTurn => ({
  seq: r.seq,
  question: r.question,
  asOf: r.as_of,
  status: r.status,
  engine: r.engine,
  explanation: r.explanation,
  sql: r.sql,
  query: r.query_json ? (JSON.parse(r.query_json) as TypedQuery) : null,
  choice: r.choice_json ? (JSON.parse(r.choice_json) as ChoicePick) : null,
  rowCount: r.row_count === null ? null : Number(r.row_count),
  auditId: r.audit_id,
  followsAuditId: r.follows_audit_id,
  createdAt: r.created_at,
});

/** The owner's threads, latest first; `search` matches the title or any question of the thread. */
export async function listThreads(store: Store, o: { owner: string; search?: string; limit?: number; offset?: number }): Promise<ThreadSummary[]> {
  let q = store.db.selectFrom('threads').selectAll().where('owner', '=', o.owner);
  const s = o.search?.trim().toLowerCase();
  if (s) {
    const like = `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // LIKE with an explicit escape character, so "%" and "_" typed in the search match themselves (both dialects)
    q = q.where(sql<boolean>`(lower(title) like ${like} escape '\\' or exists (select 1 from thread_turns tt where tt.thread_id = threads.id and lower(tt.question) like ${like} escape '\\'))`);
  }
  const rows = await q.orderBy('updated_at', 'desc').orderBy('id').limit(o.limit ?? 50).offset(o.offset ?? 0).execute();
  return rows.map(summary);
}

/** One thread of its owner, with its turns in order. */
export async function getThread(store: Store, id: string, owner: string): Promise<Thread> {
  const t = await store.db.selectFrom('threads').selectAll().where('id', '=', id).where('owner', '=', owner).executeTakeFirst();
  if (!t) throw threadNotFound(id);
  const items = await store.db.selectFrom('thread_turns').selectAll().where('thread_id', '=', id).orderBy('seq').execute();
  return { ...summary(t), items: items.map(turn) };
}

/** What the thread's last answer hands to the next question. */
export function previousOf(t: Thread): PreviousTurn | undefined {
  const last = t.items[t.items.length - 1];
  if (!last) return undefined;
  return { question: last.question, ...(last.query ? { understood: last.query } : {}), ...(last.sql ? { sql: last.sql } : {}), ...(last.explanation ? { explanation: last.explanation } : {}), ...(last.auditId ? { auditId: last.auditId } : {}) };
}

/** Records an answer as the thread's next turn (a new thread when `threadId` is absent). */
export async function recordTurn(store: Store, o: { owner: string; threadId?: string; asOf: string; answer: AskAnswer; choice?: ChoicePick }): Promise<ThreadSummary> {
  const now = new Date().toISOString();
  const a = o.answer;
  return store.db.transaction().execute(async (tx) => {
    let t: ThreadsTable | undefined;
    let seq = 1;
    if (o.threadId) {
      t = await tx.selectFrom('threads').selectAll().where('id', '=', o.threadId).where('owner', '=', o.owner).executeTakeFirst();
      if (!t) throw threadNotFound(o.threadId);
      // a picked "which one?" option answers the turn that asked: it replaces that turn
      const last = await tx.selectFrom('thread_turns').selectAll().where('thread_id', '=', t.id).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const replaces = !!o.choice && last?.status === 'choose' && last.question === a.question;
      seq = replaces ? last!.seq : Number(t.turns) + 1;
      if (replaces) await tx.deleteFrom('thread_turns').where('thread_id', '=', t.id).where('seq', '=', seq).execute();
    } else {
      // a new thread is stored with its first turn counted: no turn to look for, no count to update
      // (two statements fewer on every first question, issue 14 item 7)
      t = { id: randomUUID(), owner: o.owner, title: a.question.slice(0, 200), turns: 1, created_at: now, updated_at: now };
      await tx.insertInto('threads').values(t).execute();
    }
    await tx
      .insertInto('thread_turns')
      .values({
        thread_id: t.id,
        seq,
        question: a.question,
        as_of: o.asOf,
        status: a.status,
        engine: a.engine ?? null,
        explanation: a.explanation ?? null,
        sql: a.sql ?? null,
        query_json: a.understood ? JSON.stringify(a.understood) : null,
        choice_json: o.choice ? JSON.stringify(o.choice) : null,
        row_count: a.rowCount ?? null,
        audit_id: a.auditId ?? null,
        follows_audit_id: a.follows?.auditId ?? null,
        created_at: now,
      })
      .execute();
    if (o.threadId) await tx.updateTable('threads').set({ turns: seq, updated_at: now }).where('id', '=', t.id).execute();
    return summary({ ...t, turns: seq, updated_at: now });
  });
}

/**
 * Asks a question in a thread: the thread's last answer is its context; the answer is recorded as
 * the next turn. Returns the answer with the thread it belongs to.
 */
export async function askInThread(store: Store, pipeline: Pick<QueryPipeline, 'ask'>, o: { owner: string; threadId?: string; question: string; today: string; choice?: ChoicePick }): Promise<AskAnswer & { threadId: string }> {
  let previous: PreviousTurn | undefined;
  if (o.threadId) {
    const t = await getThread(store, o.threadId, o.owner);
    // a picked option re-asks the last question, in the context of the turn before it
    const items = o.choice && t.items[t.items.length - 1]?.status === 'choose' ? t.items.slice(0, -1) : t.items;
    previous = previousOf({ ...t, items });
  }
  const a = await pipeline.ask({ question: o.question, today: o.today, actor: o.owner, ...(previous ? { previous } : {}), ...(o.choice ? { choice: o.choice } : {}) });
  const t = await recordTurn(store, { owner: o.owner, threadId: o.threadId, asOf: o.today, answer: a, choice: o.choice });
  return { ...a, threadId: t.id };
}

/** Every question of a thread asked again on `today`'s data, in order, each in the context of the one before. */
export async function rerunThread(store: Store, pipeline: Pick<QueryPipeline, 'ask'>, o: { owner: string; threadId: string; today: string }): Promise<AskAnswer[]> {
  const t = await getThread(store, o.threadId, o.owner);
  const out: AskAnswer[] = [];
  let previous: PreviousTurn | undefined;
  for (const it of t.items) {
    const a = await pipeline.ask({ question: it.question, today: o.today, actor: o.owner, ...(previous ? { previous } : {}), ...(it.choice ? { choice: it.choice } : {}) });
    out.push(a);
    previous = { question: it.question, ...(a.understood ? { understood: a.understood } : {}), ...(a.sql ? { sql: a.sql } : {}), explanation: a.explanation, ...(a.auditId ? { auditId: a.auditId } : {}) };
  }
  return out;
}
