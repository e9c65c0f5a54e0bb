import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 002: training lifecycle. The trained model (snapshot, joins, value index) stored with each
 * version; at most one active version per datasource; the retrieval chunks of a version's
 * documents; and the history of every training change (who, when, why).
 */
export const m002_training_lifecycle: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('training_versions').addColumn('trained_model_json', 'text').execute();
    await db.schema.createIndex('training_versions_ds_hash_idx').on('training_versions').columns(['datasource', 'content_hash']).execute();
    await db.schema
      .createIndex('training_versions_one_active_uq')
      .on('training_versions')
      .column('datasource')
      .unique()
      .where(sql.ref('status'), '=', sql.lit('active'))
      .execute();

    await db.schema
      .createTable('training_chunks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version_id', 'text', (c) => c.notNull().references('training_versions.id'))
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('heading', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('training_chunks_version_idx').on('training_chunks').columns(['version_id', 'document', 'seq']).execute();

    await db.schema
      .createTable('training_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('datasource', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.references('training_versions.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('details_json', 'text')
      .execute();
    await db.schema.createIndex('training_events_ds_idx').on('training_events').columns(['datasource', 'at']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('training_events').execute();
    await db.schema.dropTable('training_chunks').execute();
    await db.schema.dropIndex('training_versions_one_active_uq').execute();
    await db.schema.dropIndex('training_versions_ds_hash_idx').execute();
    await db.schema.alterTable('training_versions').dropColumn('trained_model_json').execute();
  },
};
