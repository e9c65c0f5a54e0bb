import type { Migration, MigrationProvider } from 'kysely';
import { m001_initial } from './001_initial.js';
import { m002_training_lifecycle } from './002_training_lifecycle.js';
import { m003_scheduler } from './003_scheduler.js';
import { m004_reports } from './004_reports.js';
import { m005_threads } from './005_threads.js';
import { m006_dashboards } from './006_dashboards.js';
import { m007_users_admin } from './007_users_admin.js';
import { m008_report_owner_notice } from './008_report_owner_notice.js';
import { m009_report_dashboard } from './009_report_dashboard.js';

/**
 * Every migration of the application store, in order. Migrations are TypeScript objects (no
 * file scanning), so they compile into dist/ with the rest of the code.
 *
 * To add one (later modules: dashboards, reports, schedules…):
 *   1. create `NNN_<what>.ts` here exporting `export const mNNN_<what>: Migration = { up, down }`
 *      using only portable types (text, integer; ISO text timestamps; JSON as text);
 *   2. add one line below: `'NNN_<what>': mNNN_<what>,` (names sort in run order: keep the
 *      zero-padded number first);
 *   3. add its tables to `StoreSchema` in ../schema.ts.
 * Never edit a migration that has shipped: add a new one.
 */
export const migrations: Record<string, Migration> = {
  '001_initial': m001_initial,
  '002_training_lifecycle': m002_training_lifecycle,
  '003_scheduler': m003_scheduler,
  '004_reports': m004_reports,
  '005_threads': m005_threads,
  '006_dashboards': m006_dashboards,
  '007_users_admin': m007_users_admin,
  '008_report_owner_notice': m008_report_owner_notice,
  '009_report_dashboard': m009_report_dashboard,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
