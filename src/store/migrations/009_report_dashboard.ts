import { type Kysely, type Migration } from 'kysely';

/**
 * 009: a report template whose content is a dashboard (issue 13: "e-mailing a dashboard on a
 * schedule is a report of the Extract Manager"): { dashboardId, formats: ['pdf' | 'png'] } as
 * JSON; NULL: a report of saved questions only.
 */
export const m009_report_dashboard: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('report_templates').addColumn('dashboard_json', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('report_templates').dropColumn('dashboard_json').execute();
  },
};
