/**
 * Verification of an audit log: the hash chain walked from `from` in pages inside one snapshot,
 * its end checked against the head anchor kept with every append, a prune's cut against the prune
 * record that names it, an expected head kept outside the database, and, with the integrity key,
 * the signed checkpoints (file lines and the signed head) against the records they name.
 */
import { canonicalize } from './canonical.js';
import { rowToJson } from './append.js';
import { GENESIS_HASH, checkNext, computeRecordHash, type BrokenAt, type ChainItem, type ChainState, type CheckedCheckpoint, type VerifyResult } from './chain.js';
import { parsePruned, PRUNED_KEY, type AuditBackend, type AuditRow } from './backend.js';
import { checkpointSignatureOk, readCheckpointFile, type Checkpoint } from './signing.js';
import type { AuditIntegrity, VerifyOptions } from './log.js';

/** Records read per page of the walk. */
const PAGE = 1000;

type Item = ChainItem & { prune?: { seq: number; hash: string } };

function rowToItem(row: AuditRow): Item {
  let computed = '';
  let nonCanonical = false;
  try {
    const j = rowToJson(row);
    computed = computeRecordHash(j);
    // The stored text must be exactly the canonical bytes hashed: JSON.parse keeps the last of
    // two equal keys, SQL's json_extract the first, so a duplicated key would show readers a
    // value the hash does not cover.
    nonCanonical = row.details !== null && canonicalize(j.details) !== row.details;
  } catch {
    /* a value that cannot have been hashed: leave '' so it never matches */
  }
  const item: Item = { seq: row.seq, id: row.id, prevHash: row.prev_hash, hash: row.hash, computed, ...(nonCanonical ? { nonCanonical } : {}) };
  if (row.kind === 'audit_prune' && row.details) {
    try {
      const t = (JSON.parse(row.details) as { pruned_through?: { seq?: unknown; hash?: unknown } }).pruned_through;
      if (t && typeof t.seq === 'number' && typeof t.hash === 'string') item.prune = { seq: t.seq, hash: t.hash };
    } catch {
      /* not parseable: caught as modified by the hash check */
    }
  }
  return item;
}

/** The log behind `backend` verified (see the file's head); `integrity` adds the signed checkpoints. */
export function verifyLog(backend: AuditBackend, integrity: AuditIntegrity | undefined, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const integ = integrity;
  // Read before the snapshot: a checkpoint written by an append after it must name a record
  // the snapshot may not hold yet; read first, every line names a record already committed.
  const fileCps = integ?.checkpointFile ? readCheckpointFile(integ.checkpointFile) : [];
  const wanted = new Set(fileCps.flatMap((l) => (l.cp ? [l.cp.seq] : [])));
  return backend.snapshot(async (s) => {
    const anchor = await s.head();
    if (!anchor) {
      return { ok: false, count: 0, brokenAt: { seq: 0, id: '', reason: 'the head anchor (audit_meta) is missing or unreadable' } };
    }
    const prunedText = await s.meta(PRUNED_KEY);
    const pruned = parsePruned(prunedText);
    if (prunedText !== undefined && !pruned) {
      return { ok: false, count: 0, brokenAt: { seq: 0, id: '', reason: 'the pruned-through marker (audit_meta) is unreadable' } };
    }
    const from = Math.max(1, Math.floor(opts.from ?? 1), pruned ? pruned.seq + 1 : 1);
    const before = from > 1 ? await s.lastBefore(from) : undefined;
    const state: ChainState = { count: 0, prev: { seq: 0, id: '', hash: GENESIS_HASH } };
    if (before) state.prev = { seq: before.seq, id: before.id, hash: before.hash };
    else if (pruned && from === pruned.seq + 1) state.prev = { seq: pruned.seq, id: '', hash: pruned.hash };
    const broken = (b: BrokenAt): VerifyResult => ({ ok: false, count: state.count, brokenAt: b });

    const seen = new Map<number, { id: string; hash: string }>();
    const prunes: { seq: number; through: { seq: number; hash: string } }[] = [];
    let afterSeq = from - 1;
    let done = false;
    const buf: Item[] = [];
    const fill = async () => {
      while (buf.length < 2 && !done) {
        const rows = await s.after(afterSeq, PAGE);
        if (rows.length < PAGE) done = true;
        if (rows.length) afterSeq = rows[rows.length - 1]!.seq;
        buf.push(...rows.map(rowToItem));
      }
    };
    for (;;) {
      await fill();
      const cur = buf.shift();
      if (!cur) break;
      await fill();
      const b = checkNext(state, cur, buf[0]);
      if (b) return broken(b);
      if (wanted.has(cur.seq)) seen.set(cur.seq, { id: cur.id, hash: cur.hash });
      if (cur.prune) prunes.push({ seq: cur.seq, through: cur.prune });
    }

    // The walk is intact; now its end against the anchor kept with every append.
    const last = state.prev!;
    if (last.seq < anchor.seq) {
      return broken({
        seq: last.seq + 1,
        id: last.seq + 1 === anchor.seq ? anchor.id : '',
        reason: `sequence gap after record ${last.seq}: the anchored head is record ${anchor.seq} (records were deleted from the end)`,
      });
    }
    const atAnchor = anchor.seq === 0 ? undefined : anchor.seq === last.seq ? last : await s.at(anchor.seq);
    const anchorHash = anchor.seq === 0 ? GENESIS_HASH : anchor.seq === pruned?.seq ? pruned.hash : atAnchor?.hash;
    if (anchorHash !== anchor.hash) {
      return broken({
        seq: anchor.seq,
        id: atAnchor?.id ?? anchor.id,
        reason: `record ${anchor.seq} does not match the anchored head hash (records up to it were rewritten and rehashed)`,
      });
    }
    if (last.seq > anchor.seq) {
      const extra = await s.at(anchor.seq + 1);
      return broken({
        seq: anchor.seq + 1,
        id: extra?.id ?? '',
        reason: `record ${anchor.seq + 1} lies beyond the anchored head (record ${anchor.seq}): it was not written through the audit log`,
      });
    }
    // Records were pruned: the marker must be one a prune record in the chain names.
    if (pruned && from === pruned.seq + 1 && !prunes.some((p) => p.seq === pruned.by && p.through.seq === pruned.seq && p.through.hash === pruned.hash)) {
      return broken({
        seq: pruned.seq + 1,
        id: '',
        reason: `records up to ${pruned.seq} are gone, but no prune record in the chain names that cut (records were deleted outside a retention run)`,
      });
    }
    if (opts.expectedHead) {
      const { seq, hash } = opts.expectedHead;
      const r = seq === last.seq ? last : await s.at(seq);
      if (!r) return broken({ seq, id: '', reason: `record ${seq} (the expected head) is missing` });
      if (r.hash !== hash) {
        return broken({ seq, id: r.id, reason: `record ${seq} does not match the expected head hash (records up to it were rewritten and rehashed)` });
      }
    }
    const ok: VerifyResult = { ok: true, count: state.count, headHash: last.hash, headSeq: last.seq, ...(pruned ? { prunedThrough: pruned.seq } : {}) };
    if (!integ) return ok;

    // Signed checkpoints, held outside the store: the key proves what the store cannot.
    const keys = integ.keys;
    let best: CheckedCheckpoint | undefined;
    const consider = (c: Checkpoint, source: CheckedCheckpoint['source']) => {
      if (!best || c.seq > best.seq || (c.seq === best.seq && source === 'file')) best = { seq: c.seq, hash: c.hash, ts: c.ts, keyId: c.key_id, source };
    };
    let beyond: { cp: Checkpoint; where: string } | undefined;
    for (const l of fileCps) {
      const where = `checkpoint file line ${l.line}`;
      if (!l.cp) return broken({ seq: 0, id: '', reason: `${where} is ${l.bad}: the checkpoint file was altered` });
      const cp = l.cp;
      if (cp.key_id !== keys.keyId || !checkpointSignatureOk(keys, cp)) {
        return broken({ seq: cp.seq, id: cp.id, reason: `${where} (record ${cp.seq}): its signature does not verify with the configured key (key ${keys.keyId})` });
      }
      if (cp.seq > last.seq) {
        if (!beyond || cp.seq > beyond.cp.seq) beyond = { cp, where };
        continue;
      }
      if (pruned && cp.seq <= pruned.seq) {
        if (cp.seq === pruned.seq && cp.hash !== pruned.hash) {
          return broken({ seq: cp.seq, id: cp.id, reason: `the pruned-through hash does not match record ${cp.seq}'s signed checkpoint (${where})` });
        }
        continue; // archived: checked against the archive's signed manifest instead
      }
      const r = seen.get(cp.seq);
      if (!r) continue; // before `from`
      if (r.hash !== cp.hash || r.id !== cp.id) {
        return broken({ seq: cp.seq, id: r.id, reason: `record ${cp.seq} does not match its signed checkpoint (${where}): records up to it were rewritten` });
      }
      consider(cp, 'file');
    }
    if (beyond) {
      const { cp, where } = beyond;
      return broken({
        seq: cp.seq,
        id: cp.id,
        reason: `a signed checkpoint (${where}) names record ${cp.seq}, but the log ends at record ${last.seq}: records were deleted (the log was truncated or wiped)`,
      });
    }
    if (anchor.signed) {
      const cp = anchor.signed;
      const matches = cp.seq === anchor.seq && cp.id === anchor.id && cp.hash === anchor.hash;
      if (!matches || cp.key_id !== keys.keyId || !checkpointSignatureOk(keys, cp)) {
        return broken({
          seq: anchor.seq,
          id: anchor.id,
          reason: `the head anchor (record ${anchor.seq}) carries a signature that does not verify with the configured key (key ${keys.keyId}): it was re-signed with another key or forged`,
        });
      }
      consider(cp, 'head');
    } else if (anchor.seq > 0 && fileCps.length) {
      return broken({
        seq: anchor.seq,
        id: anchor.id,
        reason: `the head anchor (record ${anchor.seq}) is not signed although signed checkpoints exist: records were appended or the head moved outside the audit log`,
      });
    }
    if (best) ok.lastCheckpoint = best;
    const covered = best?.seq ?? pruned?.seq ?? 0;
    if (last.seq > covered) ok.unsignedAfter = covered;
    return ok;
  });
}
