import { type Kysely, type Migration } from 'kysely';

/**
 * 005: conversation threads on the Ask page. One thread per conversation, owned by a user; one
 * turn per question asked in it, in order (seq), with what was understood (typed query), the SQL,
 * the explanation and the audit id of the question and of the one it follows, so a follow-up can be
 * traced to the answer it refined and a thread can be re-run on today's data.
 */
export const m005_threads: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('threads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('turns', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('threads_owner_idx').on('threads').columns(['owner', 'updated_at']).execute();
    await db.schema
      .createTable('thread_turns')
      .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('engine', 'text')
      .addColumn('explanation', 'text')
      .addColumn('sql', 'text')
      .addColumn('query_json', 'text')
      .addColumn('choice_json', 'text')
      .addColumn('row_count', 'integer')
      .addColumn('audit_id', 'text')
      .addColumn('follows_audit_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('thread_turns_pk', ['thread_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('thread_turns').execute();
    await db.schema.dropTable('threads').execute();
  },
};
