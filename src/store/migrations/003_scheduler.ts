import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 003: the scheduler. Schedules (spec, time zone, calendar, catch-up policy, state, the next fire
 * not yet turned into a slot); run slots, one per schedule and scheduled time (unique), each with
 * a fencing token that every claim increments; and the banks' own holiday calendars.
 */
export const m003_scheduler: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('handler', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('catch_up', 'text', (c) => c.notNull().check(sql`catch_up in ('skip','latest','all')`))
      .addColumn('timeout_ms', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('active','paused')`))
      .addColumn('next_fire_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('schedules_due_idx').on('schedules').columns(['state', 'next_fire_at']).execute();

    await db.schema
      .createTable('schedule_slots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
      .addColumn('scheduled_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('schedule','catch_up','manual')`))
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','running','succeeded','failed')`))
      .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('timeout_ms', 'integer', (c) => c.notNull())
      .addColumn('worker', 'text')
      .addColumn('claimed_at', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('schedule_slots_schedule_time_uq', ['schedule_id', 'scheduled_at'])
      .execute();
    await db.schema.createIndex('schedule_slots_state_idx').on('schedule_slots').columns(['state', 'scheduled_at']).execute();

    await db.schema
      .createTable('business_calendars')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('dates_json', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('business_calendars').execute();
    await db.schema.dropTable('schedule_slots').execute();
    await db.schema.dropTable('schedules').execute();
  },
};
