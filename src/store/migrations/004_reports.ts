import { type Kysely, type Migration } from 'kysely';

/**
 * 004: the Extract Manager. Saved questions (an answer kept with its question, SQL, typed query,
 * training version, chart and parameters); report templates built from them; report runs (one
 * per idempotency key: a retried run finds its own row) with the files they rendered; and one
 * delivery row per (run, target), unique, so a target is never delivered twice for one run.
 */
export const m004_reports: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('saved_questions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('as_of', 'text')
      .addColumn('sql', 'text')
      .addColumn('query_json', 'text')
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('explanation', 'text')
      .addColumn('training_version', 'text')
      .addColumn('chart_json', 'text')
      .addColumn('parameters_json', 'text')
      .addColumn('audit_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('saved_questions_owner_idx').on('saved_questions').columns(['owner', 'created_at']).execute();

    await db.schema
      .createTable('report_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('intro', 'text')
      .addColumn('items_json', 'text', (c) => c.notNull())
      .addColumn('formats_json', 'text', (c) => c.notNull())
      .addColumn('targets_json', 'text', (c) => c.notNull())
      .addColumn('readiness_sql', 'text')
      .addColumn('readiness_cutoff_minutes', 'integer')
      .addColumn('approval', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('report_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('template_id', 'text', (c) => c.notNull().references('report_templates.id'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('rendered_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .addColumn('files_json', 'text')
      .addColumn('questions_json', 'text')
      .execute();
    await db.schema.createIndex('report_runs_template_idx').on('report_runs').columns(['template_id', 'started_at']).execute();

    await db.schema
      .createTable('report_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('report_runs.id'))
      .addColumn('target_key', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('recipients_json', 'text')
      .addColumn('receipt_json', 'text')
      .addColumn('error', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('report_deliveries_run_target_uq').on('report_deliveries').columns(['run_id', 'target_key']).unique().execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('report_deliveries').execute();
    await db.schema.dropTable('report_runs').execute();
    await db.schema.dropTable('report_templates').execute();
    await db.schema.dropTable('saved_questions').execute();
  },
};
