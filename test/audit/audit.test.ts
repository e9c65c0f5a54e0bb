import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import {
  computeRecordHash,
  GENESIS_HASH,
  openAuditLog,
  parseExportedJsonl,
  verifyExportedRecords,
  type AuditEntry,
  type AuditLog,
  type AuditRecord,
  type AuditRecordJson,
} from '../../src/audit/index.js';

type Row = Omit<AuditRecordJson, 'details'> & { details: string | null };
const COLS = ['seq', 'id', 'ts', 'kind', 'actor', 'outcome', 'question', 'sql', 'engine', 'duration_ms', 'row_count', 'result_hash', 'correlation_id', 'details', 'prev_hash', 'hash'] as const;

/** Direct access to the audit database, as an attacker with admin rights would have it. */
interface RawDb {
  /** Runs SQL with the append-only triggers out of the way. */
  tamper(sqlText: string): Promise<void>;
  rows(): Promise<Row[]>;
  insert(row: Row): Promise<void>;
  /** Runs SQL with the triggers in place (to see them refuse). */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: 'sqlite' | 'postgres';
  newUrl(): Promise<string>;
  raw(url: string): Promise<RawDb>;
  cleanup(): Promise<void>;
}

const dirs: string[] = [];
const dbs: TempPgDatabase[] = [];

const backends: Backend[] = [
  {
    name: 'sqlite',
    async newUrl() {
      const d = mkdtempSync(join(tmpdir(), 'otc-audit-'));
      dirs.push(d);
      return `sqlite:${join(d, 'sub', 'audit.db')}`;
    },
    async raw(url) {
      const db = new Database(url.slice('sqlite:'.length));
      db.pragma('busy_timeout = 5000');
      return {
        async tamper(s) {
          db.exec(
            'DROP TRIGGER IF EXISTS audit_records_no_update; DROP TRIGGER IF EXISTS audit_records_no_delete; ' +
              'DROP TRIGGER IF EXISTS audit_meta_head_forward; DROP TRIGGER IF EXISTS audit_meta_head_no_delete;',
          );
          db.exec(s);
        },
        async exec(s) {
          db.exec(s);
        },
        async rows() {
          return db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as Row[];
        },
        async insert(row) {
          db.prepare(`INSERT INTO audit_records (${COLS.join(',')}) VALUES (${COLS.map(() => '?').join(',')})`).run(...COLS.map((c) => row[c]));
        },
        async close() {
          db.close();
        },
      };
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    async newUrl() {
      const t = await createTempPgDatabase('otc_audit');
      dbs.push(t);
      return t.url;
    },
    async raw(url) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const num = (r: Record<string, unknown>) => ({
        ...(r as unknown as Row),
        seq: Number(r.seq),
        duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
        row_count: r.row_count === null ? null : Number(r.row_count),
      });
      return {
        async tamper(s) {
          await c.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
          await c.query('ALTER TABLE audit_meta DISABLE TRIGGER USER');
          await c.query(s);
        },
        async exec(s) {
          await c.query(s);
        },
        async rows() {
          return (await c.query('SELECT * FROM audit_records ORDER BY seq')).rows.map(num);
        },
        async insert(row) {
          await c.query(
            `INSERT INTO audit_records (${COLS.join(',')}) VALUES (${COLS.map((_, i) => '$' + (i + 1)).join(',')})`,
            COLS.map((k) => row[k]),
          );
        },
        async close() {
          await c.end();
        },
      };
    },
    async cleanup() {
      for (const t of dbs.splice(0)) await t.drop();
    },
  },
];

function entry(i: number): AuditEntry {
  return {
    kind: i % 3 === 0 ? 'query_run' : i % 3 === 1 ? 'question' : 'sql_generated',
    actor: i % 2 ? 'alice' : 'bob',
    outcome: 'ok',
    question: `how many open breaks for book B${i}?`,
    sql: i % 3 === 1 ? undefined : `SELECT COUNT(*) FROM breaks WHERE book = 'B${i}'`,
    engine: 'semantic',
    durationMs: 10 + i,
    rowCount: i % 3 === 0 ? i : undefined,
    correlationId: `corr-${Math.floor(i / 3)}`,
    details: i % 5 === 0 ? { n: i, nested: { tag: `t${i}`, list: [1, 'two', null] } } : undefined,
  };
}

/** 50 records: 20 one after the other, then 30 at once. */
async function seed(log: AuditLog): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let i = 1; i <= 20; i++) out.push(await log.append(entry(i)));
  out.push(...(await Promise.all(Array.from({ length: 30 }, (_, k) => log.append(entry(21 + k))))));
  return out.sort((a, b) => a.seq - b.seq);
}

async function exportJsonl(log: AuditLog, q: { from?: string; to?: string } = {}): Promise<{ text: string; count: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const count = await log.exportRange(q, 'jsonl', out);
  out.end();
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}

for (const backend of backends) {
  describe(`audit log on ${backend.name}`, () => {
    let available = true;
    let url: string;
    let log: AuditLog | undefined;
    let raw: RawDb | undefined;

    beforeAll(async () => {
      if (backend.name === 'postgres') available = await postgresAvailable();
    });
    beforeEach(async (ctx) => {
      if (!available) ctx.skip();
      url = await backend.newUrl();
      log = await openAuditLog(url);
    });
    afterEach(async () => {
      await raw?.close();
      raw = undefined;
      await log?.close();
      log = undefined;
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    const rawDb = async () => (raw ??= await backend.raw(url));
    const expectBroken = async (seq: number, id: string, reason: string | RegExp) => {
      const v = await log!.verify();
      expect(v.ok).toBe(false);
      if (v.ok) return;
      expect(v.brokenAt.seq).toBe(seq);
      expect(v.brokenAt.id).toBe(id);
      if (typeof reason === 'string') expect(v.brokenAt.reason).toBe(reason);
      else expect(v.brokenAt.reason).toMatch(reason);
      return v;
    };

    it('an empty log verifies, with the genesis head', async () => {
      expect(await log!.verify()).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH, headSeq: 0 });
    });

    it('appends 50 records (30 of them concurrently) into one linear chain that verifies', async () => {
      const recs = await seed(log!);
      expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(recs.map((r) => r.id)).size).toBe(50);
      expect(recs[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < recs.length; i++) expect(recs[i]!.prevHash).toBe(recs[i - 1]!.hash);
      for (const r of recs) {
        expect(r.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(computeRecordHash(r)).toBe(r.hash);
      }
      // what was stored is what append returned
      const stored = await log!.search({ limit: 1000 });
      expect(stored.sort((a, b) => a.seq - b.seq)).toEqual(recs);
      expect(await log!.verify()).toEqual({ ok: true, count: 50, headHash: recs[49]!.hash, headSeq: 50 });
    });

    it('two log handles on one database appending at once still make one chain', async () => {
      const other = await openAuditLog(url);
      try {
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? log! : other).append(entry(i))));
      } finally {
        await other.close();
      }
      const v = await log!.verify();
      expect(v).toMatchObject({ ok: true, count: 20, headSeq: 20 });
    });

    it('verify sees one consistent snapshot while appends go on', async () => {
      for (let i = 0; i < 1100; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => log!.append(entry(i + k))));
      const during = Array.from({ length: 100 }, (_, k) => log!.append(entry(2000 + k)));
      const results = await Promise.all([log!.verify(), log!.verify(), ...during]);
      for (const v of results.slice(0, 2)) {
        expect(v).toMatchObject({ ok: true });
        expect((v as { count: number }).count).toBeGreaterThanOrEqual(1100);
      }
      expect(await log!.verify()).toMatchObject({ ok: true, count: 1200, headSeq: 1200 });
    });

    it('the database itself refuses UPDATE and DELETE of records', async () => {
      const recs = await seed(log!);
      const db = await rawDb();
      await expect(db.exec(`UPDATE audit_records SET question = 'x' WHERE seq = 3`)).rejects.toThrow(/append-only/);
      await expect(db.exec(`DELETE FROM audit_records WHERE seq = 3`)).rejects.toThrow(/append-only/);
      if (backend.name === 'postgres') await expect(db.exec(`TRUNCATE audit_records`)).rejects.toThrow(/append-only/);
      // the head anchor moves only forward, to a record that exists, and cannot be deleted
      await expect(db.exec(`UPDATE audit_meta SET value = '{"seq":49,"id":"${recs[48]!.id}","hash":"${recs[48]!.hash}"}' WHERE key = 'head'`)).rejects.toThrow(/only moves forward/);
      await expect(db.exec(`UPDATE audit_meta SET value = '{"seq":51,"id":"x","hash":"${'a'.repeat(64)}"}' WHERE key = 'head'`)).rejects.toThrow(/only moves forward/);
      await expect(db.exec(`DELETE FROM audit_meta WHERE key = 'head'`)).rejects.toThrow(/cannot be deleted/);
      // nor over a gap: a record inserted at 52, with no 51, cannot become the head
      await db.exec(
        `INSERT INTO audit_records (${COLS.join(',')}) VALUES (52, 'gap-52', '${recs[49]!.ts}', 'question', 'x', 'ok', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '${'b'.repeat(64)}', '${'c'.repeat(64)}')`,
      );
      await expect(db.exec(`UPDATE audit_meta SET value = '{"seq":52,"id":"gap-52","hash":"${'c'.repeat(64)}"}' WHERE key = 'head'`)).rejects.toThrow(/only moves forward/);
      expect(await log!.verify()).toMatchObject({ ok: false, brokenAt: { seq: 52 } });
    });

    it('names the modified record when question, sql, row_count or details is edited', async () => {
      const recs = await seed(log!);
      const db = await rawDb();
      const cases: [number, string, string][] = [
        [17, `question = 'how many closed breaks?'`, `question = '${recs[16]!.question}'`],
        [5, `sql = 'SELECT 1'`, `sql = '${recs[4]!.sql!.replace(/'/g, "''")}'`],
        [12, `row_count = 99999`, `row_count = ${recs[11]!.rowCount}`],
        [15, `details = '{"n":16}'`, `details = '${JSON.stringify(recs[14]!.details)}'`],
        [10, `details = '{"n":1'`, `details = '${JSON.stringify(recs[9]!.details)}'`], // not even JSON
      ];
      for (const [seq, set, restore] of cases) {
        await db.tamper(`UPDATE audit_records SET ${set} WHERE seq = ${seq}`);
        await expectBroken(seq, recs[seq - 1]!.id, `record ${seq} was modified (hash mismatch)`);
        await db.tamper(`UPDATE audit_records SET ${restore} WHERE seq = ${seq}`);
        expect(await log!.verify()).toMatchObject({ ok: true, count: 50 });
      }
    });

    it('names the record after a deleted middle record', async () => {
      const recs = await seed(log!);
      await (await rawDb()).tamper(`DELETE FROM audit_records WHERE seq = 25`);
      const v = await expectBroken(26, recs[25]!.id, 'sequence gap before record 26 (a record was deleted)');
      expect(v?.count).toBe(24);
    });

    it('detects deleting the first record', async () => {
      const recs = await seed(log!);
      await (await rawDb()).tamper(`DELETE FROM audit_records WHERE seq = 1`);
      await expectBroken(2, recs[1]!.id, 'sequence gap before record 2 (a record was deleted)');
    });

    it('detects deleting the last records against the head anchor', async () => {
      const recs = await seed(log!);
      await (await rawDb()).tamper(`DELETE FROM audit_records WHERE seq = 50`);
      await expectBroken(50, recs[49]!.id, /^sequence gap after record 49: the anchored head is record 50 \(records were deleted from the end\)$/);
      await (await rawDb()).tamper(`DELETE FROM audit_records WHERE seq >= 45`);
      await expectBroken(45, '', /after record 44: the anchored head is record 50/);
    });

    it('detects a forged record inserted in the middle (later records renumbered, not rehashed)', async () => {
      const recs = await seed(log!);
      const db = await rawDb();
      const rows = await db.rows();
      await db.tamper(`DELETE FROM audit_records WHERE seq >= 20`);
      const forgedJson = { ...toJson(rows[19]!), seq: 20, id: '00000000-0000-4000-8000-000000000000', question: 'forged', prev_hash: rows[18]!.hash };
      forgedJson.hash = computeRecordHash(forgedJson);
      await db.insert(fromJson(forgedJson));
      for (const r of rows.slice(19)) await db.insert({ ...r, seq: r.seq + 1 });
      await expectBroken(21, recs[19]!.id, 'record 21 does not follow record 20 (prev_hash mismatch)');
    });

    it('detects a forged insertion with every later record rehashed, against the anchored head', async () => {
      await seed(log!);
      const db = await rawDb();
      const rows = (await db.rows()).map(toJson);
      const forged = { ...rows[19]!, id: '00000000-0000-4000-8000-000000000001', question: 'forged' };
      const rewritten = [...rows.slice(0, 19), forged, ...rows.slice(19)];
      for (let i = 19; i < rewritten.length; i++) {
        rewritten[i] = { ...rewritten[i]!, seq: i + 1, prev_hash: rewritten[i - 1]!.hash };
        rewritten[i]!.hash = computeRecordHash(rewritten[i]!);
      }
      await db.tamper(`DELETE FROM audit_records WHERE seq >= 20`);
      for (const r of rewritten.slice(19)) await db.insert(fromJson(r));
      // 51 records that chain perfectly, but record 50 no longer carries the anchored hash
      await expectBroken(50, rewritten[49]!.id, 'record 50 does not match the anchored head hash (records up to it were rewritten and rehashed)');
    });

    it('an attacker who also rewrites the anchor is caught only by a head kept elsewhere', async () => {
      const recs = await seed(log!);
      const keptHead = { seq: 50, hash: recs[49]!.hash }; // e.g. printed by an earlier `audit verify`
      const db = await rawDb();
      const rows = (await db.rows()).map(toJson);
      rows[9] = { ...rows[9]!, question: 'rewritten' };
      for (let i = 9; i < rows.length; i++) {
        rows[i] = { ...rows[i]!, prev_hash: i ? rows[i - 1]!.hash : GENESIS_HASH };
        rows[i]!.hash = computeRecordHash(rows[i]!);
      }
      await db.tamper(`DELETE FROM audit_records WHERE seq >= 10`);
      for (const r of rows.slice(9)) await db.insert(fromJson(r));
      await db.tamper(`UPDATE audit_meta SET value = '${JSON.stringify({ seq: 50, id: rows[49]!.id, hash: rows[49]!.hash })}' WHERE key = 'head'`);
      // honest limitation: the database alone now looks intact
      expect(await log!.verify()).toMatchObject({ ok: true, count: 50 });
      const v = await log!.verify({ expectedHead: keptHead });
      expect(v).toMatchObject({ ok: false, brokenAt: { seq: 50, reason: 'record 50 does not match the expected head hash (records up to it were rewritten and rehashed)' } });
    });

    it('detects two records swapped', async () => {
      const recs = await seed(log!);
      const db = await rawDb();
      const rows = await db.rows();
      await db.tamper(`DELETE FROM audit_records WHERE seq IN (10, 11)`);
      await db.insert({ ...rows[10]!, seq: 10 });
      await db.insert({ ...rows[9]!, seq: 11 });
      await expectBroken(10, recs[10]!.id, 'records out of order at 10');
    });

    it('detects a record appended behind the log’s back', async () => {
      const recs = await seed(log!);
      const db = await rawDb();
      const extra = { ...toJson((await db.rows())[49]!), seq: 51, id: '00000000-0000-4000-8000-000000000002', prev_hash: recs[49]!.hash };
      extra.hash = computeRecordHash(extra);
      await db.insert(fromJson(extra));
      await expectBroken(51, extra.id, /record 51 lies beyond the anchored head \(record 50\)/);
    });

    it('a deleted head anchor is reported, and appends stop rather than restart the chain', async () => {
      await seed(log!);
      await (await rawDb()).tamper(`DELETE FROM audit_meta WHERE key = 'head'`);
      expect(await log!.verify()).toEqual({ ok: false, count: 0, brokenAt: { seq: 0, id: '', reason: 'the head anchor (audit_meta) is missing or unreadable' } });
      await expect(log!.append(entry(51))).rejects.toMatchObject({ code: 'OTC_ERR_AUDIT_CORRUPT' });
    });

    it('verify({from}) checks the tail and links it to the record before', async () => {
      const recs = await seed(log!);
      expect(await log!.verify({ from: 40 })).toEqual({ ok: true, count: 11, headHash: recs[49]!.hash, headSeq: 50 });
      await (await rawDb()).tamper(`UPDATE audit_records SET question = 'x' WHERE seq = 10`);
      expect(await log!.verify({ from: 40 })).toMatchObject({ ok: true }); // record 10 is outside the range
      expect(await log!.verify({ from: 5 })).toMatchObject({ ok: false, brokenAt: { seq: 10 } });
    });

    it('exports a range as JSONL that verifies offline; a tampered line is named', async () => {
      const recs = await seed(log!);
      const all = await exportJsonl(log!);
      expect(all.count).toBe(50);
      const parsed = parseExportedJsonl(all.text);
      expect(parsed).toEqual(recs);
      expect(verifyExportedRecords(parsed)).toEqual({ ok: true, count: 50, headHash: recs[49]!.hash, headSeq: 50 });

      // a time range: every record whose ts falls inside it, in seq order
      const from = recs[9]!.ts;
      const to = recs[29]!.ts;
      const part = await exportJsonl(log!, { from, to });
      const expected = recs.filter((r) => r.ts >= from && r.ts <= to);
      const partRecs = parseExportedJsonl(part.text);
      expect(partRecs.map((r) => r.seq)).toEqual(expected.map((r) => r.seq));
      const before = recs[partRecs[0]!.seq - 2];
      expect(verifyExportedRecords(partRecs, { expectedPrevHash: before?.hash ?? GENESIS_HASH })).toMatchObject({ ok: true, count: part.count });
      expect(verifyExportedRecords(partRecs, { expectedPrevHash: 'f'.repeat(64) })).toMatchObject({ ok: false, brokenAt: { seq: partRecs[0]!.seq } });

      const lines = all.text.trimEnd().split('\n');
      const edited = JSON.parse(lines[12]!) as AuditRecordJson;
      edited.row_count = 123456;
      const tampered = [...lines];
      tampered[12] = JSON.stringify(edited);
      expect(verifyExportedRecords(parseExportedJsonl(tampered.join('\n')))).toEqual({
        ok: false,
        count: 12,
        brokenAt: { seq: 13, id: recs[12]!.id, reason: 'record 13 was modified (hash mismatch)' },
      });
      const dropped = lines.filter((_, i) => i !== 20);
      expect(verifyExportedRecords(parseExportedJsonl(dropped.join('\n')))).toMatchObject({ ok: false, brokenAt: { seq: 22, reason: 'sequence gap before record 22 (a record was deleted)' } });
      const swapped = [...lines];
      [swapped[30], swapped[31]] = [swapped[31]!, swapped[30]!];
      expect(verifyExportedRecords(parseExportedJsonl(swapped.join('\n')))).toMatchObject({ ok: false, brokenAt: { seq: 32, reason: 'records out of order at 32' } });
      const truncatedHead = verifyExportedRecords(parsed.slice(0, 49), { expectedHeadHash: recs[49]!.hash });
      expect(truncatedHead).toMatchObject({ ok: false, brokenAt: { seq: 49 } });
    });

    it('exports CSV with a header, quoted cells and formula-looking text neutralised', async () => {
      await log!.append({ kind: 'question', actor: 'alice', outcome: 'ok', question: '=HYPERLINK("http://x","click"), "quoted"\nnext' });
      await log!.append({ kind: 'error', actor: 'bob', outcome: 'error', details: { code: 'OTC_ERR_X' } });
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      expect(await log!.exportRange({}, 'csv', out)).toBe(2);
      const text = Buffer.concat(chunks).toString('utf8');
      const lines = text.split('\r\n');
      expect(lines[0]).toBe('seq,id,ts,kind,actor,outcome,question,sql,engine,duration_ms,row_count,result_hash,correlation_id,details,prev_hash,hash');
      expect(text).toContain(`"'=HYPERLINK(""http://x"",""click""), ""quoted""\nnext"`);
      expect(text).toContain(`"{""code"":""OTC_ERR_X""}"`);
      expect(lines.filter(Boolean)).toHaveLength(3); // header + 2 records (the quoted \n stays inside its cell)
    });

    it('searches by kind, actor, text and time, newest first, with paging', async () => {
      const recs = await seed(log!);
      const byKind = await log!.search({ kind: 'query_run', limit: 1000 });
      expect(byKind.map((r) => r.seq)).toEqual(recs.filter((r) => r.kind === 'query_run').map((r) => r.seq).reverse());
      const alice = await log!.search({ actor: 'alice', limit: 1000 });
      expect(alice.every((r) => r.actor === 'alice')).toBe(true);
      expect(alice).toHaveLength(recs.filter((r) => r.actor === 'alice').length);
      expect((await log!.search({ text: 'BOOK B17?' })).map((r) => r.seq)).toEqual([17]); // case-insensitive
      expect((await log!.search({ text: 't45' })).map((r) => r.seq)).toEqual(recs.filter((r) => JSON.stringify(r.details ?? {}).includes('t45')).map((r) => r.seq));
      expect((await log!.search({ text: '100%' }))).toEqual([]); // % is literal, not a wildcard
      expect((await log!.search({ text: recs[7]!.correlationId! })).every((r) => r.correlationId === recs[7]!.correlationId)).toBe(true);
      const page1 = await log!.search({ limit: 10 });
      const page2 = await log!.search({ limit: 10, offset: 10 });
      expect(page1.map((r) => r.seq)).toEqual([50, 49, 48, 47, 46, 45, 44, 43, 42, 41]);
      expect(page2[0]!.seq).toBe(40);
      const today = recs[0]!.ts.slice(0, 10);
      expect(await log!.search({ from: today, to: today, limit: 1000 })).toHaveLength(50);
      expect(await log!.search({ to: '2000-01-01' })).toEqual([]);
      await expect(log!.search({ from: '2026-02-30' })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_QUERY' });
      await expect(log!.search({ limit: 0 })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_QUERY' });
    });

    it('refuses a malformed entry and leaves the chain untouched', async () => {
      await log!.append(entry(1));
      await expect(log!.append({ kind: 'question', actor: '', outcome: 'ok' })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_ENTRY' });
      await expect(log!.append({ kind: 'question', actor: 'a', outcome: 'maybe' as never })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_ENTRY' });
      await expect(log!.append({ kind: 'question', actor: 'a', outcome: 'ok', details: { x: NaN } })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_ENTRY' });
      await expect(log!.append({ kind: 'question', actor: 'a', outcome: 'ok', rowCount: 1.5 })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_ENTRY' });
      expect(await log!.verify()).toMatchObject({ ok: true, count: 1 });
    });

    it('keeps its records across reopening', async () => {
      const recs = await seed(log!);
      await log!.close();
      log = await openAuditLog(url);
      const r = await log.append(entry(51));
      expect(r.seq).toBe(51);
      expect(r.prevHash).toBe(recs[49]!.hash);
      expect(await log.verify()).toMatchObject({ ok: true, count: 51 });
    });
  });
}

describe('audit URLs', () => {
  it('rejects unsupported URLs and in-memory SQLite', async () => {
    for (const bad of ['', 'mysql://h/db', 'audit.db', 'sqlite::memory:']) {
      await expect(openAuditLog(bad)).rejects.toMatchObject({ code: 'OTC_ERR_BAD_AUDIT_URL' });
    }
  });
  it('reports an unreachable PostgreSQL without the password', async () => {
    const err = await openAuditLog('postgres://auditor:Pa55word@127.0.0.1:1/audit').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OTC_ERR_AUDIT_UNREACHABLE' });
    expect((err as Error).message).not.toContain('Pa55word');
  });
  it('can live in its own PostgreSQL schema', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const t = await createTempPgDatabase('otc_audit');
    try {
      const log = await openAuditLog(`${t.url}?schema=audit`);
      await log.append(entry(1));
      expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
      await log.close();
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      const r = await c.query(`SELECT count(*)::int AS n FROM audit.audit_records`);
      await c.end();
      expect(r.rows[0].n).toBe(1);
    } finally {
      await t.drop();
    }
  });
});

function toJson(r: Row): AuditRecordJson {
  return { ...r, details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>) };
}
function fromJson(j: AuditRecordJson): Row {
  return { ...j, details: j.details === null ? null : JSON.stringify(j.details) };
}
