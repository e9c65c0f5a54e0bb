import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 007: user administration, and training corrections. A user an administrator gave a new password
 * must choose their own at the next sign-in (must_change_password = 1 until they do). Feedback
 * keeps the day its question was asked (as_of), so a corrected SQL with dates becomes an example
 * that validates as of that day.
 */
export const m007_users_admin: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0).check(sql`must_change_password in (0, 1)`))
      .execute();
    await db.schema.alterTable('feedback').addColumn('as_of', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('feedback').dropColumn('as_of').execute();
    await db.schema.alterTable('users').dropColumn('must_change_password').execute();
  },
};
