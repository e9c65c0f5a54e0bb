import { type Kysely, type Migration } from 'kysely';

/**
 * 008: where a report's owner is told that a run failed (its data-readiness cut-off passed, a
 * question or a delivery failed): one delivery target (e-mail, Slack, Teams or webhook) per
 * template, as JSON; NULL: the owner is told through the audit trail and the Reports page only.
 */
export const m008_report_owner_notice: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('report_templates').addColumn('notify_json', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('report_templates').dropColumn('notify_json').execute();
  },
};
