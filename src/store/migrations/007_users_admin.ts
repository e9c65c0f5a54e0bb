import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 007: user administration. A user an administrator gave a new password must choose their own at
 * the next sign-in (must_change_password = 1 until they do).
 */
export const m007_users_admin: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0).check(sql`must_change_password in (0, 1)`))
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('must_change_password').execute();
  },
};
