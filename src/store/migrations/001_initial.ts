import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 001: users, sessions, app_meta, training versions and activations, feedback.
 * Portable types only (text, integer); timestamps are ISO-8601 UTC text.
 */
export const m001_initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text')
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer','analyst','admin','auditor')`))
      .addColumn('password_hash', 'text')
      .addColumn('auth_provider', 'text', (c) => c.notNull().defaultTo('local'))
      .addColumn('external_subject', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0).check(sql`disabled in (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .execute();
    await db.schema
      .createIndex('users_provider_subject_uq')
      .on('users')
      .columns(['auth_provider', 'external_subject'])
      .unique()
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('csrf_secret', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('app_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('training_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('datasource', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','validated','active','retired')`))
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('validation_json', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('parent_version_id', 'text', (c) => c.references('training_versions.id'))
      .addUniqueConstraint('training_versions_ds_version_uq', ['datasource', 'version'])
      .execute();

    await db.schema
      .createTable('training_activations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('datasource', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull().references('training_versions.id'))
      .addColumn('activated_by', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema
      .createIndex('training_activations_ds_idx')
      .on('training_activations')
      .columns(['datasource', 'activated_at'])
      .execute();

    await db.schema
      .createTable('feedback')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('sql', 'text')
      .addColumn('corrected_sql', 'text')
      .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('up','down')`))
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('audit_id', 'text')
      .addColumn('training_version_id', 'text', (c) => c.references('training_versions.id'))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('candidate').check(sql`status in ('candidate','promoted','dismissed')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('feedback_status_idx').on('feedback').columns(['status', 'created_at']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const t of ['feedback', 'training_activations', 'training_versions', 'app_meta', 'sessions', 'users']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
