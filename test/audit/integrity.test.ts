/**
 * Integrity that does not trust the store: each tamper an admin of the audit database can do,
 * with the key and the checkpoint file held outside it.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { computeRecordHash, openAuditLog, type AuditLog, type AuditRecordJson } from '../../src/audit/index.js';
import type { AuditIntegrity } from '../../src/audit/log.js';
import { loadPublicKey, loadSigningKey, signCheckpoint } from '../../src/audit/signing.js';

type Row = Omit<AuditRecordJson, 'details'> & { details: string | null };
const COLS = ['seq', 'id', 'ts', 'kind', 'actor', 'outcome', 'question', 'sql', 'engine', 'duration_ms', 'row_count', 'result_hash', 'correlation_id', 'details', 'prev_hash', 'hash'] as const;

interface Raw {
  /** SQL as the store's admin, triggers out of the way. */
  tamper(sql: string, params?: unknown[]): Promise<void>;
  rows(): Promise<Row[]>;
  head(): Promise<string>;
  close(): Promise<void>;
}
interface Backend {
  name: string;
  url(dir: string): Promise<string>;
  raw(url: string): Promise<Raw>;
  /** Empties the store as a wipe would (tables recreated empty by the next open). */
  cleanup(): Promise<void>;
}
const pgDbs: TempPgDatabase[] = [];
const backends: Backend[] = [
  {
    name: 'sqlite',
    async url(dir) {
      return `sqlite:${join(dir, 'audit.db')}`;
    },
    async raw(url) {
      const db = new Database(url.slice('sqlite:'.length));
      return {
        async tamper(sql, params = []) {
          for (const t of ['audit_records_no_update', 'audit_records_no_delete', 'audit_meta_head_forward', 'audit_meta_head_no_delete']) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
          db.prepare(sql).run(...params);
        },
        async rows() {
          return db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as Row[];
        },
        async head() {
          return (db.prepare(`SELECT value FROM audit_meta WHERE key='head'`).get() as { value: string }).value;
        },
        async close() {
          db.close();
        },
      };
    },
    async cleanup() {},
  },
  {
    name: 'postgres',
    async url() {
      const t = await createTempPgDatabase('otc_audit_int');
      pgDbs.push(t);
      return t.url;
    },
    async raw(url) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return {
        async tamper(sql, params = []) {
          await c.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
          await c.query('ALTER TABLE audit_meta DISABLE TRIGGER USER');
          let n = 0;
          await c.query(sql.replace(/\?/g, () => '$' + ++n), params);
        },
        async rows() {
          return (await c.query('SELECT * FROM audit_records ORDER BY seq')).rows.map((r: Record<string, unknown>) => ({
            ...(r as unknown as Row),
            seq: Number(r.seq),
            duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
            row_count: r.row_count === null ? null : Number(r.row_count),
          }));
        },
        async head() {
          return (await c.query(`SELECT value FROM audit_meta WHERE key='head'`)).rows[0].value as string;
        },
        async close() {
          await c.end();
        },
      };
    },
    async cleanup() {
      for (const t of pgDbs.splice(0)) await t.drop();
    },
  },
];

for (const backend of backends) {
  describe(`audit integrity with a key outside the store (${backend.name})`, () => {
    let available = true;
    let dir: string;
    let url: string;
    let integ: AuditIntegrity;
    let log: AuditLog | undefined;
    let raw: Raw | undefined;

    beforeAll(async () => {
      if (backend.name === 'postgres') available = await postgresAvailable();
    });
    beforeEach(async (ctx) => {
      if (!available) ctx.skip();
      dir = mkdtempSync(join(tmpdir(), 'otc-audit-int-'));
      url = await backend.url(dir);
      integ = { keys: loadSigningKey(join(dir, 'keys', 'audit-signing.key'), { create: true }), checkpointFile: join(dir, 'checkpoints.jsonl') };
      log = await openAuditLog(url, { integrity: integ });
      for (let i = 0; i < 10; i++) await log.append({ kind: 'question', actor: i % 2 ? 'alice' : 'bob', outcome: 'ok', question: `q${i}`, details: { i, tag: 'x' } });
    });
    afterEach(async () => {
      await raw?.close();
      raw = undefined;
      await log?.close();
      log = undefined;
      rmSync(dir, { recursive: true, force: true });
    });
    afterAll(() => backend.cleanup());

    const rawDb = async () => (raw ??= await backend.raw(url));
    /** A verifier holding only the public key. */
    const verifyWithPublicKey = async () => {
      const v = await openAuditLog(url, { create: false, integrity: { keys: loadPublicKey(join(dir, 'keys', 'audit-signing.key.pub')), checkpointFile: integ.checkpointFile! } });
      try {
        return await v.verify();
      } finally {
        await v.close();
      }
    };

    it('the key is generated once with mode 0600; every record is checkpointed; verify names the last checkpoint', async () => {
      const keyFile = join(dir, 'keys', 'audit-signing.key');
      if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const again = loadSigningKey(keyFile, { create: true });
      expect(again.keyId).toBe(integ.keys.keyId);
      expect(readFileSync(integ.checkpointFile!, 'utf8').trim().split('\n')).toHaveLength(10);
      const v = await verifyWithPublicKey();
      expect(v).toMatchObject({ ok: true, count: 10, headSeq: 10, lastCheckpoint: { seq: 10, keyId: integ.keys.keyId } });
      expect(v.ok && v.unsignedAfter).toBeUndefined();
    });

    it('an appended forged record (chain hashed correctly, head moved) is caught: the head is not signed', async () => {
      const r = await rawDb();
      const last = (await r.rows()).at(-1)!;
      const forged: Row = { ...last, seq: 11, id: 'forged-11', question: 'forged', details: null, prev_hash: last.hash, hash: '' };
      const { details: _d, ...rest } = forged;
      forged.hash = computeRecordHash({ ...rest, details: null });
      await r.tamper(`INSERT INTO audit_records (${COLS.join(',')}) VALUES (${COLS.map(() => '?').join(',')})`, COLS.map((c) => forged[c]));
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify({ seq: 11, id: 'forged-11', hash: forged.hash })]);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt).toMatchObject({ seq: 11, reason: expect.stringMatching(/head anchor \(record 11\) is not signed/) });
    });

    it('a head re-signed with another key is refused', async () => {
      const r = await rawDb();
      const last = (await r.rows()).at(-1)!;
      const other = loadSigningKey(join(dir, 'other.key'), { create: true });
      const cp = signCheckpoint(other, { seq: last.seq, id: last.id, hash: last.hash, ts: last.ts });
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify(cp)]);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt.reason).toMatch(/signature that does not verify with the configured key .*re-signed with another key/);
      // a checkpoint line signed with another key is refused too
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify(signCheckpoint(integ.keys, { seq: last.seq, id: last.id, hash: last.hash, ts: last.ts }))]);
      expect((await verifyWithPublicKey()).ok).toBe(true);
      appendFileSync(integ.checkpointFile!, JSON.stringify({ ...cp, key_id: integ.keys.keyId }) + '\n');
      const w = await verifyWithPublicKey();
      expect(w.ok).toBe(false);
      if (!w.ok) expect(w.brokenAt.reason).toMatch(/^checkpoint file line 11 \(record 10\): its signature does not verify/);
    });

    it('a wiped log is not "OK: 0 records": the checkpoint file names what was there', async () => {
      const r = await rawDb();
      await r.tamper('DELETE FROM audit_records');
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify({ seq: 0, id: '', hash: '0'.repeat(64) })]);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt).toMatchObject({ seq: 10, reason: expect.stringMatching(/names record 10, but the log ends at record 0: records were deleted \(the log was truncated or wiped\)/) });
    });

    it('truncation with a replayed old signed head is caught by the checkpoint file', async () => {
      const r = await rawDb();
      const rows = await r.rows();
      // the attacker saved the signed head of record 7 earlier and puts it back after cutting 8..10
      const old = signCheckpoint(integ.keys, { seq: 7, id: rows[6]!.id, hash: rows[6]!.hash, ts: rows[6]!.ts });
      await r.tamper('DELETE FROM audit_records WHERE seq > 7');
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify(old)]);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt).toMatchObject({ seq: 10, reason: expect.stringMatching(/line 10\) names record 10, but the log ends at record 7/) });
    });

    it('a duplicated JSON key in stored details (first copy shown to SQL readers) is caught', async () => {
      const r = await rawDb();
      const row = (await r.rows())[4]!;
      expect(row.details).toBe('{"i":4,"tag":"x"}');
      await r.tamper(`UPDATE audit_records SET details = ? WHERE seq = 5`, ['{"i":4,"tag":"forged","tag":"x"}']);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt).toMatchObject({ seq: 5, reason: expect.stringMatching(/record 5 was modified \(its stored details are not the canonical JSON/) });
    });

    it('a rewrite and rehash of the whole chain (anchor included) is caught by the signed checkpoints', async () => {
      const r = await rawDb();
      const rows = await r.rows();
      let prev = '0'.repeat(64);
      for (const row of rows) {
        const next = { ...row, question: row.seq === 3 ? 'rewritten' : row.question, prev_hash: prev };
        next.hash = computeRecordHash({ ...next, details: next.details === null ? null : JSON.parse(next.details) });
        await r.tamper(`UPDATE audit_records SET question = ?, prev_hash = ?, hash = ? WHERE seq = ?`, [next.question, next.prev_hash, next.hash, row.seq]);
        prev = next.hash;
      }
      await r.tamper(`UPDATE audit_meta SET value = ? WHERE key = 'head'`, [JSON.stringify({ seq: 10, id: rows[9]!.id, hash: prev })]);
      const v = await verifyWithPublicKey();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.brokenAt).toMatchObject({ seq: 3, reason: expect.stringMatching(/record 3 does not match its signed checkpoint \(checkpoint file line 3\)/) });
    });

    it('a chain written before the key existed verifies; unauthenticated until the first checkpoint', async () => {
      const d = mkdtempSync(join(tmpdir(), 'otc-audit-legacy-'));
      try {
        const u = await backend.url(d);
        const plain = await openAuditLog(u);
        for (let i = 0; i < 3; i++) await plain.append({ kind: 'sign_in', actor: 'a', outcome: 'ok' });
        await plain.close();
        const keys = loadSigningKey(join(d, 'k.key'), { create: true });
        const keyed = await openAuditLog(u, { integrity: { keys, checkpointFile: join(d, 'cp.jsonl') } });
        expect(await keyed.verify()).toMatchObject({ ok: true, count: 3, unsignedAfter: 0 });
        expect(existsSync(join(d, 'cp.jsonl'))).toBe(false);
        await keyed.append({ kind: 'sign_out', actor: 'a', outcome: 'ok' });
        const v = await keyed.verify();
        expect(v).toMatchObject({ ok: true, count: 4, lastCheckpoint: { seq: 4, source: 'file' } });
        expect(v.ok && v.unsignedAfter).toBeUndefined();
        await keyed.close();
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });

    it('checkpoints every N records: the last head is written at close; appendMany covers a boundary', async () => {
      const d = mkdtempSync(join(tmpdir(), 'otc-audit-every-'));
      try {
        const u = await backend.url(d);
        const cpFile = join(d, 'cp.jsonl');
        const l = await openAuditLog(u, { integrity: { keys: integ.keys, checkpointFile: cpFile, checkpointEvery: 5 } });
        for (let i = 0; i < 7; i++) await l.append({ kind: 'sign_in', actor: 'a', outcome: 'ok' });
        expect(readFileSync(cpFile, 'utf8').trim().split('\n').map((x) => JSON.parse(x).seq)).toEqual([5]);
        await l.appendMany(Array.from({ length: 6 }, () => ({ kind: 'sign_out' as const, actor: 'a', outcome: 'ok' as const })));
        expect(readFileSync(cpFile, 'utf8').trim().split('\n').map((x) => JSON.parse(x).seq)).toEqual([5, 13]);
        await l.append({ kind: 'sign_in', actor: 'a', outcome: 'ok' });
        await l.close();
        expect(readFileSync(cpFile, 'utf8').trim().split('\n').map((x) => JSON.parse(x).seq)).toEqual([5, 13, 14]);
        const v = await openAuditLog(u, { create: false, integrity: { keys: integ.keys, checkpointFile: cpFile } });
        expect(await v.verify()).toMatchObject({ ok: true, count: 14, lastCheckpoint: { seq: 14 } });
        await v.close();
        writeFileSync(cpFile, readFileSync(cpFile, 'utf8') + 'not json\n');
        const w = await openAuditLog(u, { create: false, integrity: { keys: integ.keys, checkpointFile: cpFile } });
        expect(await w.verify()).toMatchObject({ ok: false, brokenAt: { reason: 'checkpoint file line 4 is not valid JSON: the checkpoint file was altered' } });
        await w.close();
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });
  });
}
