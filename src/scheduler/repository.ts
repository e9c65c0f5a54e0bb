/**
 * Schedules and run slots in the app store. Exactly once rests on two database facts: a slot is
 * unique per (schedule, scheduled time), and a claim is one conditional UPDATE that increments
 * the slot's fencing token; only the holder of the current token may finish the run.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ScheduleSlotsTable, SchedulesTable, SlotState, StoreSchema } from '../store/index.js';

const retryOrFail = sql<SlotState>`case when attempts < max_attempts then 'pending' else 'failed' end`;

export type ScheduleRow = Selectable<SchedulesTable>;
export type SlotRow = Selectable<ScheduleSlotsTable>;

export interface NewSlot {
  scheduleId: string;
  scheduledAt: number;
  reason: SlotRow['reason'];
  maxAttempts: number;
  timeoutMs: number;
}

/** One schedule's advance: from the fire it had (old) to the next one (new), with the slots it creates. */
export interface Advance {
  id: string;
  from: string;
  to: string | null;
  slots: NewSlot[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const CHUNK = 400;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class ScheduleRepository {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async insertSchedule(row: ScheduleRow): Promise<void> {
    await this.db.insertInto('schedules').values(row).execute();
  }

  async updateSchedule(id: string, patch: Partial<Omit<ScheduleRow, 'id' | 'created_at' | 'created_by'>>): Promise<boolean> {
    const r = await this.db.updateTable('schedules').set(patch).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('schedule_slots').where('schedule_id', '=', id).execute();
      const r = await trx.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  getSchedule(id: string): Promise<ScheduleRow | undefined> {
    return this.db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getSchedules(ids: string[]): Promise<ScheduleRow[]> {
    const out: ScheduleRow[] = [];
    for (const part of chunks(ids)) out.push(...(await this.db.selectFrom('schedules').selectAll().where('id', 'in', part).execute()));
    return out;
  }

  /** Inserts schedules in one transaction per chunk (a bulk import). */
  async insertSchedules(rows: ScheduleRow[]): Promise<void> {
    for (const part of chunks(rows, 200)) await this.db.transaction().execute((trx) => trx.insertInto('schedules').values(part).execute());
  }

  getScheduleByName(name: string): Promise<ScheduleRow | undefined> {
    return this.db.selectFrom('schedules').selectAll().where('name', '=', name).executeTakeFirst();
  }

  listSchedules(): Promise<ScheduleRow[]> {
    return this.db.selectFrom('schedules').selectAll().orderBy('name').execute();
  }

  /** Active schedules whose next fire is at or before `nowMs`, earliest first. */
  dueSchedules(nowMs: number, limit: number): Promise<ScheduleRow[]> {
    return this.db
      .selectFrom('schedules')
      .selectAll()
      .where('state', '=', 'active')
      .where('next_fire_at', 'is not', null)
      .where('next_fire_at', '<=', iso(nowMs))
      .orderBy('next_fire_at')
      .limit(limit)
      .execute();
  }

  /** The earliest next fire of an active schedule (ms), or null. */
  async earliestNextFire(): Promise<number | null> {
    const r = await this.db
      .selectFrom('schedules')
      .select((eb) => eb.fn.min('next_fire_at').as('t'))
      .where('state', '=', 'active')
      .executeTakeFirst();
    return r?.t ? Date.parse(r.t as string) : null;
  }

  /**
   * Moves schedules from their fire `from` to `to` (compare-and-set: a schedule another
   * scheduler already moved is left alone) and inserts the slots of the ones this call moved,
   * in one transaction. Returns the slots created.
   */
  async advance(advances: Advance[], nowMs: number, onSlots?: (slots: SlotRow[]) => void): Promise<{ slots: SlotRow[]; won: Set<string> }> {
    const created: SlotRow[] = [];
    const won = new Set<string>();
    if (!advances.length) return { slots: created, won };
    const now = iso(nowMs);
    for (const part of chunks(advances)) {
      const before = created.length;
      await this.db.transaction().execute(async (trx) => {
        // Group by (from, to): many schedules due at the same minute move in one statement.
        const groups = new Map<string, Advance[]>();
        for (const a of part) {
          const k = `${a.from}|${a.to}`;
          (groups.get(k) ?? groups.set(k, []).get(k)!).push(a);
        }
        for (const g of groups.values()) {
          const rows = await trx
            .updateTable('schedules')
            .set({ next_fire_at: g[0]!.to, updated_at: now })
            .where('id', 'in', g.map((a) => a.id))
            .where('next_fire_at', '=', g[0]!.from)
            .where('state', '=', 'active')
            .returning('id')
            .execute();
          for (const r of rows) won.add(r.id);
        }
        const slots = part.filter((a) => won.has(a.id)).flatMap((a) => a.slots);
        for (const c of chunks(slots, 200)) {
          const values = c.map((s) => this.slotValues(s, now));
          const rows = await trx
            .insertInto('schedule_slots')
            .values(values)
            .onConflict((oc) => oc.columns(['schedule_id', 'scheduled_at']).doNothing())
            .returningAll()
            .execute();
          created.push(...rows);
        }
      });
      if (onSlots && created.length > before) onSlots(created.slice(before));
    }
    return { slots: created, won };
  }

  private slotValues(s: NewSlot, now: string) {
    return {
      id: randomUUID(),
      schedule_id: s.scheduleId,
      scheduled_at: iso(s.scheduledAt),
      reason: s.reason,
      state: 'pending' as const,
      max_attempts: s.maxAttempts,
      timeout_ms: s.timeoutMs,
      worker: null,
      claimed_at: null,
      lease_until: null,
      finished_at: null,
      error: null,
      created_at: now,
    };
  }

  /** Inserts one slot (run now); an existing slot of that schedule and time is returned instead. */
  async insertSlot(s: NewSlot, nowMs: number): Promise<SlotRow> {
    const row = await this.db
      .insertInto('schedule_slots')
      .values(this.slotValues(s, iso(nowMs)))
      .onConflict((oc) => oc.columns(['schedule_id', 'scheduled_at']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
    return (await this.db.selectFrom('schedule_slots').selectAll().where('schedule_id', '=', s.scheduleId).where('scheduled_at', '=', iso(s.scheduledAt)).executeTakeFirst())!;
  }

  /** Removes the slots made ahead of time that are not yet due (a paused schedule does not run them). */
  async dropFutureSlots(scheduleId: string, nowMs: number): Promise<number> {
    const r = await this.db.deleteFrom('schedule_slots').where('schedule_id', '=', scheduleId).where('state', '=', 'pending').where('reason', '=', 'schedule').where('scheduled_at', '>', iso(nowMs)).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  getSlot(id: string): Promise<SlotRow | undefined> {
    return this.db.selectFrom('schedule_slots').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Pending slots due at or before `nowMs` (optionally of one schedule), earliest first. */
  dueSlots(nowMs: number, limit: number, scheduleId?: string, createdBeforeMs?: number): Promise<SlotRow[]> {
    let q = this.db.selectFrom('schedule_slots').selectAll().where('state', '=', 'pending').where('scheduled_at', '<=', iso(nowMs));
    if (scheduleId) q = q.where('schedule_id', '=', scheduleId);
    // Pending since before this (or retried since: finished_at is the failed attempt's end).
    if (createdBeforeMs !== undefined) q = q.where((eb) => eb.or([eb('finished_at', '<', iso(createdBeforeMs)), eb.and([eb('finished_at', 'is', null), eb('created_at', '<', iso(createdBeforeMs)), eb('scheduled_at', '<', iso(createdBeforeMs))])]));
    return q.orderBy('scheduled_at').limit(limit).execute();
  }

  /** Run history of a schedule, newest first. */
  slotsOf(scheduleId: string, limit: number): Promise<SlotRow[]> {
    return this.db.selectFrom('schedule_slots').selectAll().where('schedule_id', '=', scheduleId).orderBy('scheduled_at', 'desc').limit(limit).execute();
  }

  /**
   * Claims slots for `worker` (only slots already due): a pending slot, or a running one whose lease has expired (its
   * holder died), with attempts left. Each claim increments the fencing token. Returns the slots
   * this call now holds (a slot another worker holds or finished is not among them).
   */
  async claim(ids: string[], worker: string, nowMs: number): Promise<SlotRow[]> {
    if (!ids.length) return [];
    const now = iso(nowMs);
    const out: SlotRow[] = [];
    for (const part of chunks(ids, 2000)) {
      const timeouts = await this.db.selectFrom('schedule_slots').select(['id', 'timeout_ms']).where('id', 'in', part).execute();
      const byTimeout = new Map<number, string[]>();
      for (const t of timeouts) (byTimeout.get(t.timeout_ms) ?? byTimeout.set(t.timeout_ms, []).get(t.timeout_ms)!).push(t.id);
      for (const [timeoutMs, group] of byTimeout) {
        const rows = await this.db
          .updateTable('schedule_slots')
          .set((eb) => ({
            state: 'running',
            fence: eb('fence', '+', 1),
            attempts: eb('attempts', '+', 1),
            worker,
            claimed_at: now,
            lease_until: iso(nowMs + timeoutMs),
            finished_at: null,
          }))
          .where('id', 'in', group)
          .where('scheduled_at', '<=', now)
          .where((eb) => eb.and([eb('attempts', '<', eb.ref('max_attempts')), eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)])])]))
          .returningAll()
          .execute();
        out.push(...rows);
      }
    }
    return out;
  }

  /** Finishes runs held with their fencing tokens; returns the ids whose token was still current. */
  async finish(results: Array<{ id: string; fence: number; ok: boolean; error?: string; retry?: boolean }>, nowMs: number): Promise<Set<string>> {
    const done = new Set<string>();
    if (!results.length) return done;
    const now = iso(nowMs);
    for (const part of chunks(results, 200)) {
      await this.db.transaction().execute(async (trx) => {
        const ok = part.filter((r) => r.ok);
        // Successes held with the same token move in one statement.
        const byFence = new Map<number, string[]>();
        for (const r of ok) (byFence.get(r.fence) ?? byFence.set(r.fence, []).get(r.fence)!).push(r.id);
        for (const [fence, ids] of byFence) {
          const rows = await trx
            .updateTable('schedule_slots')
            .set({ state: 'succeeded', finished_at: now, error: null, lease_until: null })
            .where('id', 'in', ids)
            .where('fence', '=', fence)
            .where('state', '=', 'running')
            .returning('id')
            .execute();
          for (const r of rows) done.add(r.id);
        }
        for (const r of part.filter((x) => !x.ok)) {
          const row = await trx
            .updateTable('schedule_slots')
            .set((eb) => ({
              state: r.retry ? retryOrFail : 'failed',
              finished_at: now,
              error: (r.error ?? 'failed').slice(0, 2000),
              lease_until: null,
            }))
            .where('id', '=', r.id)
            .where('fence', '=', r.fence)
            .where('state', '=', 'running')
            .returning('id')
            .executeTakeFirst();
          if (row) done.add(row.id);
        }
      });
    }
    return done;
  }

  /**
   * Running slots whose lease (timeout) has passed: back to pending when attempts are left,
   * failed otherwise. Returns them as they are now.
   */
  async reap(nowMs: number, error: string): Promise<SlotRow[]> {
    const now = iso(nowMs);
    return this.db
      .updateTable('schedule_slots')
      .set((eb) => ({
        state: retryOrFail,
        finished_at: now,
        error,
        lease_until: null,
        fence: eb('fence', '+', 1),
      }))
      .where('state', '=', 'running')
      .where('lease_until', '<', now)
      .returningAll()
      .execute();
  }

  async loadCalendars(): Promise<Array<{ name: string; dates: string[] }>> {
    const rows = await this.db.selectFrom('business_calendars').selectAll().execute();
    return rows.map((r) => ({ name: r.name, dates: JSON.parse(r.dates_json) as string[] }));
  }

  async saveCalendar(name: string, dates: string[], actor: string, nowMs: number): Promise<void> {
    const values = { name, dates_json: JSON.stringify(dates), updated_by: actor, updated_at: iso(nowMs) };
    await this.db
      .insertInto('business_calendars')
      .values(values)
      .onConflict((oc) => oc.column('name').doUpdateSet({ dates_json: values.dates_json, updated_by: actor, updated_at: values.updated_at }))
      .execute();
  }
}
