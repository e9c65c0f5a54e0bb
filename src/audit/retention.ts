/**
 * Retention and legal hold. Records older than the retention period are archived to a signed
 * export (verified before anything is deleted), a prune record is appended that names the cut
 * (seq and hash of the last pruned record: the chain goes on from it) and carries the holds in
 * force, and the prefix is deleted. A legal hold (per user, per date range, or both) stops the
 * cut before the first record it covers. Holds are audit records themselves.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OtcError } from '../shared/errors.js';
import { AuditErrorCode } from './errors.js';
import { rangeOf, type AuditLog } from './log.js';
import { verifySignedExport, writeSignedExport } from './signed-export.js';
import type { AuditKeys } from './signing.js';

export interface LegalHold {
  hold_id: string;
  /** Records of this actor (null: every actor). */
  user: string | null;
  /** [from_ts, to_ts) as ISO UTC (null: open). */
  from_ts: string | null;
  to_ts: string | null;
  reason: string;
  placed_by: string;
}

export async function placeHold(log: AuditLog, h: { user?: string; from?: string; to?: string; reason: string; actor: string }): Promise<LegalHold> {
  if (!h.reason.trim()) throw new OtcError(AuditErrorCode.BadQuery, 'a legal hold needs a reason', { status: 400 });
  const r = rangeOf({ ...(h.from ? { from: h.from } : {}), ...(h.to ? { to: h.to } : {}) });
  const hold: LegalHold = { hold_id: randomUUID(), user: h.user ?? null, from_ts: r.fromTs ?? null, to_ts: r.toTs ?? null, reason: h.reason, placed_by: h.actor };
  await log.append({ kind: 'legal_hold', actor: h.actor, outcome: 'ok', details: { action: 'place', hold: { ...hold } } });
  return hold;
}

export async function releaseHold(log: AuditLog, holdId: string, actor: string): Promise<void> {
  if (!(await activeHolds(log)).some((h) => h.hold_id === holdId)) {
    throw new OtcError(AuditErrorCode.NotFound, `there is no legal hold ${holdId} in force`, { status: 404 });
  }
  await log.append({ kind: 'legal_hold', actor, outcome: 'ok', details: { action: 'release', hold_id: holdId } });
}

/** The holds in force: those carried by the last prune record, then the hold records after it. */
export async function activeHolds(log: AuditLog): Promise<LegalHold[]> {
  const holds = new Map<string, LegalHold>();
  const pruned = await log.prunedThrough();
  if (pruned) {
    const p = await log.at(pruned.by);
    for (const h of ((p?.details?.holds ?? []) as LegalHold[])) holds.set(h.hold_id, h);
  }
  let afterSeq = pruned?.seq ?? 0;
  for (;;) {
    const page = await log.search({ kind: 'legal_hold', afterSeq, order: 'asc', limit: 1000 });
    for (const r of page) {
      const d = r.details as { action?: string; hold?: LegalHold; hold_id?: string } | undefined;
      if (d?.action === 'place' && d.hold) holds.set(d.hold.hold_id, d.hold);
      if (d?.action === 'release' && d.hold_id) holds.delete(d.hold_id);
    }
    if (page.length < 1000) break;
    afterSeq = page[page.length - 1]!.seq;
  }
  return [...holds.values()];
}

export interface PruneResult {
  /** Records deleted (0: nothing older than the retention period, or held). */
  pruned: number;
  throughSeq: number | null;
  /** The first record a legal hold kept (the cut stops before it). */
  heldFrom: { seq: number; holdId: string } | null;
  archive: string | null;
}

/**
 * Archives and prunes the records older than `retentionDays` (as of `now`), stopping before the
 * first record under a legal hold.
 */
export async function pruneExpired(
  log: AuditLog,
  keys: AuditKeys,
  o: { retentionDays: number; archiveDir: string; actor: string; now?: Date },
): Promise<PruneResult> {
  const now = o.now ?? new Date();
  const cutoff = new Date(now.getTime() - o.retentionDays * 86_400_000);
  const pruned = await log.prunedThrough();
  const startSeq = (pruned?.seq ?? 0) + 1;
  const none: PruneResult = { pruned: 0, throughSeq: null, heldFrom: null, archive: null };
  // the newest record older than the cutoff (`to` is inclusive: one ms before it)
  const [old] = await log.search({ to: new Date(cutoff.getTime() - 1).toISOString(), limit: 1 });
  if (!old || old.seq < startSeq) return none;
  let through = old.seq;
  let heldFrom: PruneResult['heldFrom'] = null;
  for (const h of await activeHolds(log)) {
    const [first] = await log.search({
      afterSeq: startSeq - 1,
      order: 'asc',
      limit: 1,
      ...(h.user ? { actor: h.user } : {}),
      ...(h.from_ts ? { from: h.from_ts } : {}),
      ...(h.to_ts ? { to: new Date(new Date(h.to_ts).getTime() - 1).toISOString() } : {}),
    });
    if (first && first.seq <= through) {
      through = first.seq - 1;
      heldFrom = { seq: first.seq, holdId: h.hold_id };
    }
  }
  if (through < startSeq) return { ...none, heldFrom };
  const last = await log.at(through);
  if (!last) throw new OtcError(AuditErrorCode.Corrupt, `record ${through} is missing: run \`otc-copilot audit verify\``, { status: 500 });

  mkdirSync(o.archiveDir, { recursive: true });
  const file = join(o.archiveDir, `audit-${String(startSeq).padStart(10, '0')}-${String(through).padStart(10, '0')}.jsonl`);
  const { manifest } = await writeSignedExport(log, keys, { fromSeq: startSeq, toSeq: through }, 'jsonl', file, o.actor);
  // Nothing is deleted unless the archive reads back intact and complete.
  const check = verifySignedExport(file, { keys });
  if (!check.ok || manifest.count !== through - startSeq + 1 || manifest.last_hash !== last.hash) {
    throw new OtcError(AuditErrorCode.Corrupt, `the archive ${file} did not verify; nothing was pruned`, { status: 500 });
  }
  const holds = await activeHolds(log);
  const rec = await log.append({
    kind: 'audit_prune',
    actor: o.actor,
    outcome: 'completed',
    details: {
      pruned_through: { seq: through, hash: last.hash },
      from_seq: startSeq,
      retention_days: o.retentionDays,
      cutoff: cutoff.toISOString(),
      archive: { file: manifest.file, count: manifest.count, file_sha256: manifest.file_sha256, manifest_sig: manifest.sig },
      holds: holds.map((h) => ({ ...h })),
    },
  });
  const n = await log.pruneThrough({ seq: through, hash: last.hash, by: rec.seq });
  return { pruned: n, throughSeq: through, heldFrom, archive: file };
}
