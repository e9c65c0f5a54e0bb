/** Signed exports verified offline, and retention with legal hold (both stores). */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import type { AuditIntegrity } from '../../src/audit/log.js';
import { activeHolds, placeHold, pruneExpired, releaseHold } from '../../src/audit/retention.js';
import { manifestPathOf, verifySignedExport, writeSignedExport } from '../../src/audit/signed-export.js';
import { loadPublicKey, loadSigningKey } from '../../src/audit/signing.js';

const pgDbs: TempPgDatabase[] = [];
const backends = [
  { name: 'sqlite', url: async (dir: string) => `sqlite:${join(dir, 'audit.db')}` },
  {
    name: 'postgres',
    url: async () => {
      const t = await createTempPgDatabase('otc_audit_ret');
      pgDbs.push(t);
      return t.url;
    },
  },
];
const DAY = 86_400_000;

for (const backend of backends) {
  describe(`signed export, retention and legal hold (${backend.name})`, () => {
    let available = true;
    let dir: string;
    let url: string;
    let integ: AuditIntegrity;
    let log: AuditLog | undefined;

    beforeAll(async () => {
      if (backend.name === 'postgres') available = await postgresAvailable();
    });
    beforeEach(async (ctx) => {
      if (!available) ctx.skip();
      dir = mkdtempSync(join(tmpdir(), 'otc-audit-ret-'));
      url = await backend.url(dir);
      integ = { keys: loadSigningKey(join(dir, 'audit-signing.key'), { create: true }), checkpointFile: join(dir, 'checkpoints.jsonl') };
      log = await openAuditLog(url, { integrity: integ });
      for (let i = 1; i <= 12; i++) {
        await log.append({ kind: 'question', actor: i % 3 ? 'alice' : 'bob', outcome: 'ok', question: i === 2 ? "'=quoted" : `q${i}, "x"`, sql: i === 4 ? '' : null as unknown as undefined, details: { i } });
      }
    });
    afterEach(async () => {
      await log?.close();
      log = undefined;
      rmSync(dir, { recursive: true, force: true });
    });
    afterAll(async () => {
      for (const t of pgDbs.splice(0)) await t.drop();
    });
    const pub = () => loadPublicKey(join(dir, 'audit-signing.key.pub'));

    for (const format of ['jsonl', 'csv'] as const) {
      it(`a ${format} export verifies offline with the public key; a tampered record is named; it is an audit record itself`, async () => {
        const file = join(dir, `range.${format}`);
        const { manifest } = await writeSignedExport(log!, integ.keys, {}, format, file, 'auditor');
        expect(manifest).toMatchObject({ count: 12, first_seq: 1, last_seq: 12, first_prev_hash: '0'.repeat(64), anchor: { seq: 12 }, key_id: integ.keys.keyId });
        const ok = verifySignedExport(file, { keys: pub() });
        expect(ok).toMatchObject({ ok: true, count: 12, headSeq: 12, signed: true });
        const [exp] = await log!.search({ kind: 'audit_export', limit: 1 });
        expect(exp).toMatchObject({ seq: 13, actor: 'auditor', details: { count: 12, file_sha256: manifest.file_sha256, manifest_sig: manifest.sig } });

        const text = readFileSync(file, 'utf8');
        const nl = format === 'csv' ? '\r\n' : '\n';
        const lines = text.split(nl);
        const at = format === 'csv' ? 7 : 6; // record #7
        lines[at] = lines[at]!.replace('q7', 'q7 (edited)');
        writeFileSync(file, lines.join(nl));
        const bad = verifySignedExport(file, { keys: pub() });
        expect(bad.ok).toBe(false);
        if (!bad.ok) expect(bad.brokenAt).toMatchObject({ seq: 7, reason: 'record 7 was modified (hash mismatch)' });
        writeFileSync(file, text);

        // a record dropped at the end: the chain is fine, the signed manifest is not
        writeFileSync(file, lines.slice(0, format === 'csv' ? 12 : 11).join(nl).replace('q7 (edited)', 'q7') + nl);
        const cut = verifySignedExport(file, { keys: pub() });
        expect(cut.ok).toBe(false);
        if (!cut.ok) expect(cut.brokenAt.reason).toMatch(/does not carry the expected head hash/);
        writeFileSync(file, text);
        writeFileSync(file, text + nl); // re-encoded bytes only
        const extra = verifySignedExport(file, { keys: pub() });
        expect(extra.ok).toBe(false);
        writeFileSync(file, text);
        expect(verifySignedExport(file, { keys: pub() }).ok).toBe(true);
      });
    }

    it('a manifest signed with another key, or edited, is refused', async () => {
      const file = join(dir, 'r.jsonl');
      await writeSignedExport(log!, integ.keys, {}, 'jsonl', file, 'auditor');
      const other = loadSigningKey(join(dir, 'other.key'), { create: true });
      expect(() => verifySignedExport(file, { keys: other })).toThrow(/OTC_ERR_AUDIT_EXPORT_SIGNATURE|is not signed by this key/);
      const m = JSON.parse(readFileSync(manifestPathOf(file), 'utf8'));
      writeFileSync(manifestPathOf(file), JSON.stringify({ ...m, count: 11 }));
      expect(() => verifySignedExport(file, { keys: pub() })).toThrow(/is not signed by this key/);
    });

    it('pruning archives to a signed file, carries the chain across with a checkpoint record, and verify stays green', async () => {
      const r = await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) });
      expect(r).toMatchObject({ pruned: 12, throughSeq: 12, heldFrom: null });
      // the archive verifies offline; the export of it and the prune are records 13 and 14
      expect(verifySignedExport(r.archive!, { keys: pub() })).toMatchObject({ ok: true, count: 12 });
      const v = await log!.verify();
      expect(v).toMatchObject({ ok: true, count: 2, headSeq: 14, prunedThrough: 12, lastCheckpoint: { seq: 14 } });
      const verifier = await openAuditLog(url, { create: false, integrity: { keys: pub(), checkpointFile: integ.checkpointFile! } });
      expect(await verifier.verify()).toMatchObject({ ok: true, prunedThrough: 12 });
      await verifier.close();
      await log!.append({ kind: 'sign_in', actor: 'alice', outcome: 'ok' });
      expect(await log!.verify()).toMatchObject({ ok: true, count: 3, headSeq: 15 });
      // nothing older left: a second run prunes nothing
      expect(await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system' })).toMatchObject({ pruned: 0 });
      expect(readdirSync(join(dir, 'archive')).sort()).toEqual(['audit-0000000001-0000000012.jsonl', 'audit-0000000001-0000000012.jsonl.manifest.json']);
    });

    it('records deleted outside a retention run are still caught after a prune', async () => {
      await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) });
      if (backend.name !== 'sqlite') return;
      const db = new Database(url.slice('sqlite:'.length));
      db.exec(`DROP TRIGGER audit_records_no_delete; DROP TRIGGER audit_meta_pruned_forward; DELETE FROM audit_records WHERE seq = 13`);
      db.prepare(`UPDATE audit_meta SET value = ? WHERE key = 'pruned_through'`).run(JSON.stringify({ seq: 13, hash: 'x'.repeat(64), by: 14 }));
      db.close();
      const v = await log!.verify();
      expect(v.ok).toBe(false);
    });

    it('a legal hold per user stops pruning before the first held record; released, pruning goes on', async () => {
      const hold = await placeHold(log!, { user: 'bob', reason: 'case 42', actor: 'compliance' });
      expect(await activeHolds(log!)).toEqual([hold]);
      const r = await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) });
      // bob's first record is #3: only 1..2 go
      expect(r).toMatchObject({ pruned: 2, throughSeq: 2, heldFrom: { seq: 3, holdId: hold.hold_id } });
      expect(await log!.verify()).toMatchObject({ ok: true, prunedThrough: 2 });
      // the hold survives the prune (carried by the prune record) and keeps holding
      expect(await activeHolds(log!)).toEqual([hold]);
      expect(await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) })).toMatchObject({ pruned: 0, heldFrom: { seq: 3 } });
      await releaseHold(log!, hold.hold_id, 'compliance');
      expect(await activeHolds(log!)).toEqual([]);
      const after = await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) });
      expect(after.pruned).toBeGreaterThan(10);
      expect(await log!.verify()).toMatchObject({ ok: true });
    });

    it('a legal hold per date range protects the records in it', async () => {
      const all = await log!.search({ order: 'asc', limit: 100 });
      const hold = await placeHold(log!, { from: all[5]!.ts, to: all[7]!.ts, reason: 'inquiry', actor: 'compliance' });
      const r = await pruneExpired(log!, integ.keys, { retentionDays: 30, archiveDir: join(dir, 'archive'), actor: 'system', now: new Date(Date.now() + 31 * DAY) });
      expect(r.heldFrom?.holdId).toBe(hold.hold_id);
      expect(r.throughSeq).toBeLessThanOrEqual(5);
      expect(await log!.at(6)).toBeDefined();
      expect(await log!.verify()).toMatchObject({ ok: true });
    });
  });
}
