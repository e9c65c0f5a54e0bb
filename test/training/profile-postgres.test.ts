/**
 * The shipped profile (profiles/otc-ops) validates on PostgreSQL (issue 14 item 6): the demo data
 * loaded into a PostgreSQL database, every example's SQL for that dialect passes the PostgreSQL
 * guard and runs, every example question answered by the engine gives the same result, and the
 * training path (import, validate, activate) takes the profile there. The examples written with
 * SQLite's date functions carry their PostgreSQL query in `sqlFor.postgres`. With CI=true a
 * missing PostgreSQL fails the run instead of skipping it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { buildDemoDatabase } from '../../src/demo/index.js';
import { guardSql, policyFromSnapshot } from '../../src/guard/index.js';
import { EXAMPLES_AS_OF, PROFILE_DIR } from '../../src/server/testing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { bootstrapTraining, exampleSql, readProfileFolder, trainModel, validateModel, type Profile } from '../../src/training/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const available = await postgresAvailable();

describe.runIf(available)('the shipped profile on PostgreSQL', () => {
  let pgdb: TempPgDatabase;
  let ds: Datasource;
  let dir: string;
  let store: Store;
  let audit: AuditLog;
  let profile: Profile;

  beforeAll(async () => {
    pgdb = await createTempPgDatabase('otc_profile_pg');
    await buildDemoDatabase({ out: pgdb.url, trades: 3000, seed: 42, asOf: EXAMPLES_AS_OF });
    ds = await openDatasource(pgdb.url);
    dir = mkdtempSync(join(tmpdir(), 'otc-profile-pg-'));
    store = await openStore(`sqlite:${join(dir, 'app.db')}`);
    audit = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
    profile = readProfileFolder(PROFILE_DIR).profile;
  });

  afterAll(async () => {
    await ds?.close();
    await store?.close();
    await audit?.close();
    await pgdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a PostgreSQL datasource', () => {
    expect(ds.dialect.name).toBe('postgres');
  });

  it('every example: its PostgreSQL SQL passes the guard and runs; SQLite-only SQL has a PostgreSQL query beside it', async () => {
    const policy = policyFromSnapshot(await ds.introspect(), 5000);
    expect(profile.examples.length).toBeGreaterThan(20);
    let own = 0;
    for (const ex of profile.examples) {
      const sql = exampleSql(ex, 'postgres');
      const v = await guardSql(sql, 'postgres', policy);
      expect(v.ok ? 'ok' : v.reason, ex.question).toBe('ok');
      const r = await ds.query(v.ok ? v.sql : sql, { maxRows: 5000, timeoutMs: 30_000 });
      expect(r.columns.length, ex.question).toBeGreaterThan(0);
      if (ex.sqlFor?.postgres) {
        own++;
        // the SQLite text really is SQLite's alone: PostgreSQL's guard refuses it
        expect((await guardSql(ex.sql, 'postgres', policy)).ok, ex.question).toBe(false);
      }
    }
    expect(own).toBeGreaterThan(0);
  });

  it('validates: every example question answered by the engine gives the example SQL\'s result', async () => {
    const model = await trainModel(profile, ds, {});
    const r = await validateModel(model, ds, { actor: 'test', today: EXAMPLES_AS_OF });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.examples).toHaveLength(profile.examples.length);
    for (const x of r.examples) {
      expect(x.sqlStatus, x.question).toBe('ok');
      expect(x.pass, `${x.question}: ${x.message ?? ''}`).toBe(true);
      expect(x.sql, x.question).toBe(exampleSql(profile.examples[x.index]!, 'postgres'));
    }
    // most are answered by the engine itself and compared row for row (not merely abstained on)
    expect(r.examples.filter((x) => x.engineStatus === 'match').length).toBeGreaterThan(profile.examples.length * 0.8);
  });

  it('the training path imports, validates and activates the profile on PostgreSQL', async () => {
    const b = await bootstrapTraining({ store, audit, datasource: ds, datasourceKey: ds.description, profileDir: PROFILE_DIR, actor: 'test', today: EXAMPLES_AS_OF });
    expect(b.action).toBe('bootstrapped');
    expect(b.version).toMatchObject({ version: 1, status: 'active' });
    expect(b.version.validation?.ok).toBe(true);
    expect(b.version.validation?.examples.every((x) => x.pass)).toBe(true);
    expect((await audit.verify()).ok).toBe(true);
  });
});
