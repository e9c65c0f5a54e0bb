/**
 * The training lifecycle against real components: the app store on SQLite and on PostgreSQL,
 * the audit log, and a temporary copy of the benchmark's SQLite operations database.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { createCopilot } from '../../src/nl2sql/index.js';
import { isOtcError, type OtcError } from '../../src/shared/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  activateVersion,
  bootstrapTraining,
  diffVersions,
  driftReport,
  formatDiff,
  getVersion,
  importProfile,
  listCandidates,
  listChunks,
  listEvents,
  listVersions,
  loadVersionModel,
  parseBundle,
  promoteCandidates,
  readProfileFolder,
  recordFeedback,
  refreshValues,
  reingest,
  requireActiveTraining,
  rollbackTo,
  toBundle,
  validateVersion,
  writeProfileFolder,
  writeProfileTarball,
  readProfileSource,
  type Profile,
  type TrainedModel,
  type TrainingContext,
} from '../../src/training/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const SHARED_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
const PROFILE_DIR = new URL('../../profiles/otc-ops', import.meta.url).pathname;
/** The as-of date the demo profile's example SQL is written for. */
const EXAMPLES_TODAY = '2026-06-15';
const ADMIN = { actor: 'alice' };

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

async function answer(ds: Datasource, model: TrainedModel, question: string) {
  const a = await createCopilot({ datasource: ds, model, maxRows: 1000, timeoutMs: 30_000 }).ask({ question, today: EXAMPLES_TODAY });
  return { status: a.status, sql: a.sql, rows: a.rows };
}

async function caught(p: Promise<unknown>): Promise<OtcError> {
  try {
    await p;
  } catch (e) {
    if (isOtcError(e)) return e;
    throw e;
  }
  throw new Error('expected an OtcError, got success');
}

const backends = ['sqlite', 'postgres'] as const;

for (const backend of backends) {
  describe(`training lifecycle on a ${backend} app store`, () => {
    let available = true;
    let dir: string;
    let store: Store;
    let audit: AuditLog;
    let ds: Datasource;
    let ctx: TrainingContext;
    let base: Profile;
    const pg: TempPgDatabase[] = [];

    beforeAll(async () => {
      if (backend === 'postgres') available = await postgresAvailable();
      if (!available) return;
      dir = mkdtempSync(join(tmpdir(), 'otc-lifecycle-'));
      copyFileSync(SHARED_DB, join(dir, 'ops.db'));
      if (backend === 'sqlite') {
        store = await openStore(`sqlite:${join(dir, 'app.db')}`);
        audit = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
      } else {
        pg.push(await createTempPgDatabase('otc_lc_store'), await createTempPgDatabase('otc_lc_audit'));
        store = await openStore(pg[0]!.url);
        audit = await openAuditLog(pg[1]!.url);
      }
      ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
      ctx = { store, audit, datasourceKey: ds.description };
      base = readProfileFolder(PROFILE_DIR).profile;
    });

    afterAll(async () => {
      if (!available) return;
      await ds?.close();
      await store?.close();
      await audit?.close();
      for (const d of pg) await d.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses to answer before any version is active (OTC_ERR_NOT_TRAINED, 409, with what to do)', async (t) => {
      if (!available) return t.skip();
      const e = await caught(requireActiveTraining(store, ds.description));
      expect(e.code).toBe('OTC_ERR_NOT_TRAINED');
      expect(e.status).toBe(409);
      expect(e.message).toContain(`An admin must import, validate and activate a training profile for ${ds.description}`);
      expect(e.message).toContain('otc-copilot train import');
    });

    it('bootstraps the demo: imports, validates and activates version 1, then loads it', async (t) => {
      if (!available) return t.skip();
      const first = await bootstrapTraining({ store, audit, datasource: ds, datasourceKey: ds.description, profileDir: PROFILE_DIR, actor: 'system', today: EXAMPLES_TODAY });
      expect(first.action).toBe('bootstrapped');
      expect(first.version).toMatchObject({ version: 1, status: 'active', createdBy: 'system' });
      expect(first.version.validation?.ok).toBe(true);
      expect(first.version.validation?.examples.length).toBe(base.examples.length);
      expect(first.version.validation?.examples.every((x) => x.pass)).toBe(true);
      expect(first.model.values.length).toBeGreaterThan(0);
      const again = await bootstrapTraining({ store, audit, datasource: ds, datasourceKey: ds.description, profileDir: PROFILE_DIR, actor: 'system' });
      expect(again.action).toBe('loaded');
      expect(again.version.id).toBe(first.version.id);
      expect(again.model.values).toEqual(first.model.values);
      const gate = await requireActiveTraining(store, ds.description);
      expect(gate.version.id).toBe(first.version.id);
      // documents were split into chunks and stored with the version
      const chunks = await listChunks(ctx, first.version.id);
      expect(chunks.length).toBeGreaterThan(1);
      expect(new Set(chunks.map((c) => c.document))).toEqual(new Set(base.documents.map((d) => d.name)));
    });

    it('bootstrap leaves the choice to an admin when versions exist but none is active', async (t) => {
      if (!available) return t.skip();
      const key = 'admin-decides-test';
      await importProfile({ ...ctx, datasourceKey: key }, { profile: clone(base), datasource: ds, by: ADMIN });
      const e = await caught(bootstrapTraining({ store, audit, datasource: ds, datasourceKey: key, profileDir: PROFILE_DIR, actor: 'system', today: EXAMPLES_TODAY }));
      expect(e.code).toBe('OTC_ERR_NOT_TRAINED');
      expect(e.message).toContain('versions exist but none is active');
      expect((await listVersions({ store, datasourceKey: key })).map((v) => v.status)).toEqual(['draft']);
    });

    it('importing identical content again returns the existing version', async (t) => {
      if (!available) return t.skip();
      const r = await importProfile(ctx, { profile: clone(base), datasource: ds, by: ADMIN });
      expect(r.created).toBe(false);
      expect(r.version.version).toBe(1);
      expect((await listVersions(ctx)).length).toBe(1);
    });

    it('v2 changes a filter and adds a synonym; activation needs validation; rollback restores v1 answers exactly', async (t) => {
      if (!available) return t.skip();
      const v2p = clone(base);
      const large = v2p.filters.find((f) => f.name === 'large_trade')!;
      large.where = [{ column: 'notional_usd', op: '>=', value: 50_000_000 }];
      v2p.filters.find((f) => f.name === 'bilateral')!.words.push('uncleared otc');
      // the example that counts large trades must follow the new definition, or validation fails (checked below)
      const stale = clone(v2p);
      for (const ex of v2p.examples) ex.sql = ex.sql.replace('notional_usd >= 100000000', 'notional_usd >= 50000000');
      const staleImport = await importProfile({ ...ctx, datasourceKey: 'stale-example-test' }, { profile: stale, datasource: ds, by: ADMIN });
      const staleReport = (await validateVersion({ ...ctx, datasourceKey: 'stale-example-test' }, staleImport.version.id, { datasource: ds, actor: 'carol', today: EXAMPLES_TODAY })).report;
      expect(staleReport.ok).toBe(false);
      expect(staleReport.errors.map((e) => e.code)).toEqual(['example_mismatch']);
      expect(staleReport.errors[0]!.message).toMatch(/^example \d+ \("Weekly count of large trades this quarter"\): the engine's answer differs from the example SQL/);
      const imported = await importProfile(ctx, { profile: v2p, datasource: ds, by: { actor: 'bob', reason: 'large trades start at 50m from Q3' } });
      expect(imported.created).toBe(true);
      expect(imported.version).toMatchObject({ version: 2, status: 'draft', createdBy: 'bob', note: 'large trades start at 50m from Q3' });

      const refused = await caught(activateVersion(ctx, 2, { actor: 'bob', reason: 'go' }));
      expect(refused.code).toBe('OTC_ERR_TRAINING_NOT_VALIDATED');
      expect(refused.message).toContain('has not been validated yet');

      const { report, version } = await validateVersion(ctx, 2, { datasource: ds, actor: 'carol', today: EXAMPLES_TODAY });
      expect(report.ok).toBe(true);
      expect(version.status).toBe('validated');
      expect((await getVersion(ctx, 2)).validation?.validatedBy).toBe('carol');

      const q = 'How many large trades are live?';
      const q2 = 'How many uncleared otc trades are live?';
      const v1 = await requireActiveTraining(store, ds.description);
      const underV1 = await answer(ds, v1.model, q);
      const underV1b = await answer(ds, v1.model, q2);
      expect(underV1.status).toBe('answered');

      await activateVersion(ctx, 2, { actor: 'carol', reason: 'approved by ops management' });
      const v2 = await requireActiveTraining(store, ds.description);
      expect(v2.version.version).toBe(2);
      expect((await getVersion(ctx, 1)).status).toBe('retired');
      const underV2 = await answer(ds, v2.model, q);
      expect(underV2.sql).not.toBe(underV1.sql);
      expect(underV2.rows).not.toEqual(underV1.rows);
      const underV2b = await answer(ds, v2.model, q2);
      expect(underV2b.status).toBe('answered');
      expect(underV2b).not.toEqual(underV1b);

      const d = await diffVersions(ctx, 1, 2);
      expect(d.filters.changed).toEqual([{ name: 'large_trade', fields: ['where'] }]);
      expect(d.synonyms).toEqual([{ of: "filter 'bilateral'", added: ['uncleared otc'], removed: [] }]);
      expect(d.dimensions).toEqual({ added: [], removed: [], changed: [] });
      expect(d.values).toEqual([]);
      expect(formatDiff(d)).toContain('~ large_trade (where)');

      expect((await caught(rollbackTo(ctx, 1, { actor: 'carol' }))).code).toBe('OTC_ERR_TRAINING_REASON_REQUIRED');
      await rollbackTo(ctx, 1, { actor: 'carol', reason: 'desk heads disagree with the 50m threshold' });
      const back = await requireActiveTraining(store, ds.description);
      expect(back.version.version).toBe(1);
      expect(await answer(ds, back.model, q)).toEqual(underV1);
      expect(await answer(ds, back.model, q2)).toEqual(underV1b);
      expect((await caught(activateVersion(ctx, 1, ADMIN))).code).toBe('OTC_ERR_TRAINING_ALREADY_ACTIVE');

      const activations = await store.db.selectFrom('training_activations').selectAll().where('datasource', '=', ds.description).orderBy('activated_at').execute();
      expect(activations.map((a) => [a.activated_by, a.reason])).toEqual([
        ['system', 'bootstrap: first start with the embedded profile'],
        ['carol', 'approved by ops management'],
        ['carol', 'desk heads disagree with the 50m threshold'],
      ]);
    });

    it('validation names a renamed column and broken example SQL in words a person understands; activation is refused', async (t) => {
      if (!available) return t.skip();
      const key = { ...ctx, datasourceKey: 'broken-profile-test' };
      const p = clone(base);
      const rating = p.dimensions.find((x) => x.name === 'rating')!;
      rating.column = 'credit_rating_code';
      const imported = await importProfile(key, { profile: p, datasource: ds, by: ADMIN });
      expect(imported.problem).toContain('credit_rating_code');
      const { report } = await validateVersion(key, imported.version.id, { datasource: ds, actor: 'alice', today: EXAMPLES_TODAY });
      expect(report.ok).toBe(false);
      expect(report.columns.missing).toEqual([{ name: 'counterparties.credit_rating_code', usedBy: ["dimensions.yaml: dimension 'rating'"], suggestion: 'counterparties.credit_rating' }]);
      expect(report.errors.map((e) => e.message)).toContain(
        "dimensions.yaml: dimension 'rating' names column counterparties.credit_rating_code, which the database does not have (did you mean counterparties.credit_rating?)",
      );
      const refused = await caught(activateVersion(key, imported.version.id, ADMIN));
      expect(refused.code).toBe('OTC_ERR_TRAINING_NOT_VALIDATED');
      expect(refused.message).toContain('validation failed');
      expect(refused.message).toContain('counterparties.credit_rating_code');

      const q = clone(base);
      q.examples = [
        { question: 'How many live trades are bilateral?', sql: "SELECT COUNT(*) FROM trades WHERE is_cleared = 0 AND status = 'Live'" },
        { question: 'How many confirmations are disputed?', sql: "SELECT COUNT(*) FROM confirmations WHERE staus = 'Disputed'" },
        { question: 'How many live trades do we have?', sql: 'SELECT COUNT(*) FROM trades' },
        { question: 'Remove the cancelled trades', sql: "DELETE FROM trades WHERE status = 'Cancelled'" },
      ];
      const second = await importProfile(key, { profile: q, datasource: ds, by: ADMIN });
      const r2 = (await validateVersion(key, second.version.id, { datasource: ds, actor: 'alice', today: EXAMPLES_TODAY })).report;
      expect(r2.ok).toBe(false);
      expect(r2.examples.map((x) => [x.pass, x.sqlStatus, x.engineStatus])).toEqual([
        [true, 'ok', 'match'],
        [false, 'refused', 'skipped'],
        [false, 'ok', 'mismatch'],
        [false, 'refused', 'skipped'],
      ]);
      const msgs = r2.errors.map((e) => e.message);
      expect(msgs.find((m) => m.startsWith('example 2 ("How many confirmations are disputed?"): its SQL is refused by the SQL guard:'))).toMatch(/staus/);
      expect(msgs.find((m) => m.startsWith('example 3'))).toContain("the engine's answer differs from the example SQL");
      expect(msgs.some((m) => m.startsWith('example 4'))).toBe(true);
      expect((await getVersion(key, second.version.id)).status).toBe('draft');
    });

    it('warns about a word given to two things of the same table and reports coverage', async (t) => {
      if (!available) return t.skip();
      const key = { ...ctx, datasourceKey: 'ambiguity-test' };
      const p = clone(base);
      p.dimensions.find((x) => x.name === 'sector')!.words.push('rating');
      const r = await importProfile(key, { profile: p, datasource: ds, by: ADMIN });
      const { report } = await validateVersion(key, r.version.id, { datasource: ds, actor: 'alice', today: EXAMPLES_TODAY });
      expect(report.ambiguities).toContainEqual({ word: 'rating', meanings: ["dimension 'rating'", "dimension 'sector'"] });
      expect(report.warnings.map((w) => w.message)).toContain(`"rating" means dimension 'rating' and dimension 'sector'`);
      expect(report.coverage.tables).toBe(report.coverage.tablesDescribed + report.coverage.undescribedTables.length);
      expect(report.coverage.columns).toBe(report.coverage.columnsDescribed + report.coverage.undescribedColumns.length);
    });

    it('export to a folder and to a bundle, re-import: the same content hash', async (t) => {
      if (!available) return t.skip();
      const v = await getVersion(ctx, 'active');
      const model = await loadVersionModel(ctx, v.id);
      const out = join(dir, `export-${backend}`);
      writeProfileFolder(model.profile, out);
      expect(existsSync(join(out, 'documents', base.documents[0]!.name))).toBe(true);
      expect(() => writeProfileFolder(model.profile, out)).toThrow(/already holds a profile/);
      writeFileSync(join(out, 'documents', 'scanned-policy.pdf'), '%PDF-1.4 not read');
      const back = readProfileFolder(out);
      expect(back.profile).toEqual(model.profile);
      expect(back.skipped).toEqual(['scanned-policy.pdf']);
      const again = await importProfile(ctx, { profile: back.profile, datasource: ds, by: ADMIN });
      expect(again.created).toBe(false);
      expect(again.version.contentHash).toBe(v.contentHash);

      const file = join(dir, `bundle-${backend}.json`);
      writeFileSync(file, JSON.stringify(toBundle(model.profile, { datasource: v.datasource, version: v.version, contentHash: v.contentHash, exportedAt: new Date().toISOString() })));
      const bundle = parseBundle(readFileSync(file, 'utf8'));
      const viaBundle = await importProfile(ctx, { profile: bundle.profile, datasource: ds, by: ADMIN });
      expect(viaBundle.version.contentHash).toBe(v.contentHash);
      expect(viaBundle.version.id).toBe(v.id);
      expect(() => parseBundle('{"format":"something else"}')).toThrow(/not a training bundle/);

      const tgz = join(dir, `profile-${backend}.tar.gz`);
      writeProfileTarball(model.profile, tgz);
      const tgz2 = join(dir, `profile-${backend}-again.tar.gz`);
      writeProfileTarball(model.profile, tgz2);
      expect(readFileSync(tgz2).equals(readFileSync(tgz))).toBe(true);
      const fromTgz = readProfileSource(tgz);
      expect(fromTgz.profile).toEqual(model.profile);
      const viaTgz = await importProfile(ctx, { profile: fromTgz.profile, datasource: ds, by: ADMIN });
      expect(viaTgz).toMatchObject({ created: false, version: { id: v.id, contentHash: v.contentHash } });
      // an archive made with the system's tar (GNU/pax headers) reads the same
      const sys = join(dir, `sys-${backend}.tar.gz`);
      execFileSync('tar', ['czf', sys, '-C', out, '.']);
      expect(readProfileSource(sys).profile).toEqual(model.profile);
    });

    it('a glossary CSV of terms is stored as chunks, one per term', async (t) => {
      if (!available) return t.skip();
      const key = { ...ctx, datasourceKey: 'glossary-test' };
      const p = clone(base);
      p.documents.push({ name: 'glossary.csv', text: 'term,definition\nSSI,"Standing settlement instructions, the account details"\nCSA,Credit support annex\n' });
      const r = await importProfile(key, { profile: p, datasource: ds, by: ADMIN });
      const chunks = (await listChunks(key, r.version.id)).filter((c) => c.document === 'glossary.csv');
      expect(chunks).toEqual([
        { document: 'glossary.csv', seq: 0, heading: 'SSI', text: 'term: SSI\ndefinition: Standing settlement instructions, the account details' },
        { document: 'glossary.csv', seq: 1, heading: 'CSA', text: 'term: CSA\ndefinition: Credit support annex' },
      ]);
    });

    it('feedback becomes candidate examples; promotion creates a draft version with them', async (t) => {
      if (!available) return t.skip();
      const active = await getVersion(ctx, 'active');
      await expect(recordFeedback(store, { question: 'How many disputed confirmations?', verdict: 'down' })).rejects.toThrow(/corrected SQL/);
      const up = await recordFeedback(store, { question: 'How many confirmations are pending?', verdict: 'up', sql: "SELECT COUNT(*) FROM confirmations WHERE status = 'Pending'", trainingVersionId: active.id, actor: 'dave' }, audit);
      const down = await recordFeedback(store, { question: 'How many trades are live with hedge funds?', verdict: 'down', sql: 'SELECT COUNT(*) FROM trades', correctedSql: "SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE c.sector = 'Hedge Fund' AND t.status = 'Live'", trainingVersionId: active.id }, audit);
      const candidates = await listCandidates(store, ds.description);
      expect(candidates.map((c) => c.id)).toEqual([up.id, down.id]);
      expect(candidates[1]!.exampleSql).toContain("c.sector = 'Hedge Fund'");
      const promoted = await promoteCandidates(ctx, [up.id, down.id], { actor: 'alice' });
      expect(promoted.created).toBe(true);
      expect(promoted.version.status).toBe('draft');
      expect(promoted.version.parentVersionId).toBe(active.id);
      const model = await loadVersionModel(ctx, promoted.version.id);
      expect(model.profile.examples.slice(-2)).toEqual([
        { question: 'How many confirmations are pending?', sql: "SELECT COUNT(*) FROM confirmations WHERE status = 'Pending'" },
        { question: 'How many trades are live with hedge funds?', sql: down.correctedSql },
      ]);
      expect(await listCandidates(store, ds.description)).toEqual([]);
      const d = await diffVersions(ctx, active.id, promoted.version.id);
      expect(d.examples.added).toEqual(['How many confirmations are pending?', 'How many trades are live with hedge funds?']);
      await expect(promoteCandidates(ctx, [up.id], ADMIN)).rejects.toThrow(/not a candidate any more/);
    });

    it('value refresh makes a new version only when values changed', async (t) => {
      if (!available) return t.skip();
      const before = (await listVersions(ctx)).length;
      const same = await refreshValues(ctx, { datasource: ds, by: ADMIN });
      expect(same.valuesChanged).toBe(false);
      expect(same.version).toBeNull();
      expect((await listVersions(ctx)).length).toBe(before);

      const w = new Database(join(dir, 'ops.db'));
      const row = w.prepare('SELECT * FROM counterparties LIMIT 1').get() as Record<string, unknown>;
      const id = Number((w.prepare('SELECT MAX(counterparty_id) AS m FROM counterparties').get() as { m: number }).m) + 1;
      const cols = Object.keys(row);
      const values = { ...row, counterparty_id: id, short_name: 'Quillfeather Partners', legal_name: 'Quillfeather Partners LLP', lei: 'QUILLFEATHER00000001' };
      w.prepare(`INSERT INTO counterparties (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`).run(...cols.map((c) => (values as Record<string, unknown>)[c]));
      w.close();
      const changed = await refreshValues(ctx, { datasource: ds, by: { actor: 'system', reason: 'nightly refresh' }, activate: true, today: EXAMPLES_TODAY });
      expect(changed.valuesChanged).toBe(true);
      expect(changed.schemaChanged).toBe(false);
      expect(changed.activated).toBe(true);
      expect(changed.version?.status).toBe('active');
      const d = await diffVersions(ctx, changed.base.id, changed.version!.id);
      expect(d.values).toContainEqual({ dimension: 'counterparty', added: ['Quillfeather Partners'], removed: [] });
      const gate = await requireActiveTraining(store, ds.description);
      expect(gate.model.values.find((v) => v.dimension === 'counterparty')!.values.some((v) => v.value === 'Quillfeather Partners')).toBe(true);
    });

    it('drift report after a column is added to a copy of the database; re-ingest stores a new draft', async (t) => {
      if (!available) return t.skip();
      const copy = join(dir, 'ops-drift.db');
      copyFileSync(join(dir, 'ops.db'), copy);
      const w = new Database(copy);
      w.exec("ALTER TABLE trades ADD COLUMN clearing_house_code VARCHAR(12); ALTER TABLE exceptions DROP COLUMN description");
      w.close();
      const driftDs = await openDatasource(`sqlite:${copy}`);
      try {
        const { drift } = await driftReport(ctx, driftDs);
        expect(drift.changed).toBe(true);
        expect(drift.columnsAdded).toEqual([{ table: 'trades', column: 'clearing_house_code', type: 'varchar(12)' }]);
        expect(drift.columnsRemoved.map((c) => `${c.table}.${c.column}`)).toEqual(['exceptions.description']);
        expect(drift.tablesAdded).toEqual([]);
        const r = await reingest(ctx, { datasource: driftDs, by: { actor: 'alice', reason: 'schema release 4.2' } });
        expect(r.schemaChanged).toBe(true);
        expect(r.version?.status).toBe('draft');
        const d = await diffVersions(ctx, r.base.id, r.version!.id);
        expect(d.schema.columnsAdded).toEqual(drift.columnsAdded);
      } finally {
        await driftDs.close();
      }
    });

    it('every training change is in the audit chain with datasource, version, action and content hash; verify passes', async (t) => {
      if (!available) return t.skip();
      const events = await listEvents(ctx, 1000);
      const records = await audit.search({ kind: 'training_change', limit: 1000 });
      const mine = records.filter((r) => r.details && (r.details as { datasource?: string }).datasource === ds.description);
      expect(mine.length).toBe(events.length);
      const actions = new Set(events.map((e) => e.action));
      for (const a of ['import', 'validate', 'activate', 'rollback', 'promote', 'refresh', 'ingest']) expect(actions).toContain(a);
      for (const r of mine) {
        const det = r.details as Record<string, unknown>;
        expect(det).toMatchObject({ datasource: ds.description });
        expect(typeof det.action).toBe('string');
        expect(det.contentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(typeof det.version).toBe('number');
      }
      const rollback = mine.find((r) => (r.details as { action: string }).action === 'rollback')!;
      expect(rollback.actor).toBe('carol');
      expect((rollback.details as { reason: string }).reason).toBe('desk heads disagree with the 50m threshold');
      expect((await audit.verify()).ok).toBe(true);
    });
  });
}
