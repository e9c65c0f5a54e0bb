import { type Kysely, type Migration } from 'kysely';

/**
 * 006: dashboards. A dashboard (name, owner, grid layout, filters, the roles and users it is
 * shared with) holds widgets; a widget shows one saved question with its chart settings and
 * refresh policy, and caches its last good result (with the time the data is as of) beside the
 * last error, so a failed refresh never blanks the widget.
 */
export const m006_dashboards: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('dashboards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('layout_json', 'text', (c) => c.notNull())
      .addColumn('filters_json', 'text', (c) => c.notNull())
      .addColumn('shared_roles_json', 'text', (c) => c.notNull())
      .addColumn('shared_users_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dashboards_owner_idx').on('dashboards').columns(['owner', 'created_at']).execute();

    await db.schema
      .createTable('dashboard_widgets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dashboard_id', 'text', (c) => c.notNull().references('dashboards.id').onDelete('cascade'))
      .addColumn('saved_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('chart_json', 'text', (c) => c.notNull())
      .addColumn('refresh_json', 'text', (c) => c.notNull())
      .addColumn('schedule_id', 'text')
      .addColumn('result_json', 'text')
      .addColumn('data_as_of', 'text')
      .addColumn('result_sql', 'text')
      .addColumn('result_version', 'text')
      .addColumn('last_error', 'text')
      .addColumn('last_error_code', 'text')
      .addColumn('last_error_at', 'text')
      .addColumn('last_refresh_ms', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dashboard_widgets_dashboard_idx').on('dashboard_widgets').columns(['dashboard_id', 'created_at']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('dashboard_widgets').execute();
    await db.schema.dropTable('dashboards').execute();
  },
};
