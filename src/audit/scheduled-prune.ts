/**
 * Retention on a schedule: the scheduler's 'audit_prune' handler archives and prunes the records
 * older than the retention period as of the slot's due time (legal holds respected, see
 * retention.ts), under the schedule's name. Every run is an audit record: the prune record when
 * records went, else an 'audit_prune' record saying nothing had expired (or a hold kept it).
 * The schedule itself comes from configuration (OTC_AUDIT_PRUNE_CRON) and is kept in step with
 * it at start (ensureAuditPruneSchedule).
 */
import type { RunHandler, Scheduler, ScheduleSpec } from '../scheduler/index.js';
import type { AuditLog } from './log.js';
import { pruneExpired } from './retention.js';
import type { AuditKeys } from './signing.js';

export const AUDIT_PRUNE_HANDLER_KIND = 'audit_prune';
export const AUDIT_PRUNE_SCHEDULE_NAME = 'Audit retention';

export interface AuditPruneDeps {
  log: AuditLog;
  /** The signing key: archives are signed export files. */
  keys: AuditKeys;
  retentionDays: number;
  archiveDir: string;
}

export function auditPruneRunHandler(deps: AuditPruneDeps): RunHandler {
  return async (ctx) => {
    const actor = `scheduler:${ctx.scheduleName}`;
    // as of the slot's due time: a retried attempt of the slot cuts at the same place
    const r = await pruneExpired(deps.log, deps.keys, { retentionDays: deps.retentionDays, archiveDir: deps.archiveDir, actor, now: ctx.scheduledAt });
    if (r.pruned) return; // the prune record (kind audit_prune) was appended by pruneExpired
    await deps.log.append({
      kind: 'audit_prune',
      actor,
      outcome: 'ok',
      details: {
        action: 'nothing_to_prune',
        retention_days: deps.retentionDays,
        as_of: ctx.scheduledAt.toISOString(),
        ...(r.heldFrom ? { held_from: r.heldFrom } : {}),
        idempotency_key: ctx.idempotencyKey,
      },
    });
  };
}

export function registerAuditPruneHandler(scheduler: Pick<Scheduler, 'registerHandler'>, deps: AuditPruneDeps): void {
  scheduler.registerHandler(AUDIT_PRUNE_HANDLER_KIND, auditPruneRunHandler(deps));
}

/**
 * Keeps the one retention schedule in step with configuration: created when a schedule is
 * configured, replaced when its cron or zone changed, removed when retention is turned off.
 * Each change is a schedule_change audit record (the scheduler's). Returns the schedule id.
 */
export async function ensureAuditPruneSchedule(
  scheduler: Pick<Scheduler, 'list' | 'register' | 'unregister'>,
  want: { cron: string; timeZone: string } | undefined, actor: string): Promise<string | undefined> {
  const existing = (await scheduler.list()).filter((s) => s.handler === AUDIT_PRUNE_HANDLER_KIND);
  const spec = want ? { kind: 'cron' as const, expression: want.cron, timeZone: want.timeZone } : undefined;
  const same = (x: ScheduleSpec) => !!spec && x.kind === 'cron' && x.expression === spec.expression && x.timeZone === spec.timeZone;
  const keep = existing.find((s) => same(s.spec));
  for (const s of existing) if (s !== keep) await scheduler.unregister(s.id, actor);
  if (keep || !spec) return keep?.id;
  // a missed night runs once on start (latest): retention is a state to reach, not a count of runs
  return (await scheduler.register({ name: AUDIT_PRUNE_SCHEDULE_NAME, handler: AUDIT_PRUNE_HANDLER_KIND, spec, catchUp: 'latest' }, actor)).id;
}
