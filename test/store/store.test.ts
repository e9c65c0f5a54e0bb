import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { appliedMigrations, openStore, STORE_MIGRATION_LOCK, type Store } from '../../src/store/index.js';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider, migrations } from '../../src/store/migrations/index.js';

interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database URL for one test; cleaned up by `cleanup`. */
  newUrl(): Promise<string>;
  cleanup(): Promise<void>;
}

const tmpDirs: string[] = [];
const pgDbs: TempPgDatabase[] = [];

const backends: Backend[] = [
  {
    name: 'sqlite',
    async newUrl() {
      const d = mkdtempSync(join(tmpdir(), 'otc-store-'));
      tmpDirs.push(d);
      return `sqlite:${join(d, 'nested', 'app.db')}`;
    },
    async cleanup() {
      for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    async newUrl() {
      const t = await createTempPgDatabase('otc_store');
      pgDbs.push(t);
      return t.url;
    },
    async cleanup() {
      for (const t of pgDbs.splice(0)) await t.drop();
    },
  },
];

const now = () => new Date().toISOString();

for (const backend of backends) {
  describe(`store on ${backend.name}`, () => {
    let available = true;
    let store: Store | undefined;
    let url: string;

    beforeAll(async () => {
      if (backend.name === 'postgres') available = await postgresAvailable();
    });
    beforeEach(async (ctx) => {
      if (!available) ctx.skip();
      url = await backend.newUrl();
      store = await openStore(url);
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    it('migrates an empty database to the latest version', async () => {
      expect(store!.kind).toBe(backend.name);
      expect(await appliedMigrations(store!)).toEqual(Object.keys(migrations));
      const rows = await store!.db.selectFrom('users').selectAll().execute();
      expect(rows).toEqual([]);
      if (backend.name === 'sqlite') {
        expect(existsSync(url.slice('sqlite:'.length))).toBe(true);
      }
    });

    it('opening twice runs no migration again and keeps the data', async () => {
      await store!.db.insertInto('app_meta').values({ key: 'k', value: 'v' }).execute();
      await store!.close();
      store = await openStore(url);
      expect(await appliedMigrations(store!)).toEqual(Object.keys(migrations));
      const again = await new Migrator({ db: store!.db, provider: migrationProvider }).migrateToLatest();
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
      const meta = await store!.db.selectFrom('app_meta').selectAll().execute();
      expect(meta).toEqual([{ key: 'k', value: 'v' }]);
    });

    it('creates, reads, updates and deletes a user, with defaults applied', async () => {
      const db = store!.db;
      const id = randomUUID();
      await db
        .insertInto('users')
        .values({ id, username: 'alice', display_name: 'Alice', role: 'analyst', password_hash: 'h', external_subject: null, created_at: now(), last_login_at: null })
        .execute();
      const u = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(u).toMatchObject({ username: 'alice', role: 'analyst', auth_provider: 'local', disabled: 0, last_login_at: null });
      await db.updateTable('users').set({ disabled: 1, last_login_at: '2026-01-02T03:04:05.678Z' }).where('id', '=', id).execute();
      const u2 = await db.selectFrom('users').select(['disabled', 'last_login_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(u2).toEqual({ disabled: 1, last_login_at: '2026-01-02T03:04:05.678Z' });

      // a session belongs to the user and goes with it (ON DELETE CASCADE, foreign keys enforced)
      await db.insertInto('sessions').values({ id: 'tokenhash', user_id: id, created_at: now(), expires_at: now(), csrf_secret: null }).execute();
      await expect(
        db.insertInto('sessions').values({ id: 'orphan', user_id: 'nobody', created_at: now(), expires_at: now(), csrf_secret: null }).execute(),
      ).rejects.toThrow();
      await db.deleteFrom('users').where('id', '=', id).execute();
      expect(await db.selectFrom('users').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    });

    it('rejects a duplicate username and an unknown role', async () => {
      const db = store!.db;
      const base = { display_name: null, password_hash: null, external_subject: null, created_at: now(), last_login_at: null };
      await db.insertInto('users').values({ ...base, id: 'u1', username: 'bob', role: 'viewer' }).execute();
      await expect(db.insertInto('users').values({ ...base, id: 'u2', username: 'bob', role: 'viewer' }).execute()).rejects.toThrow(/unique/i);
      await expect(
        db.insertInto('users').values({ ...base, id: 'u3', username: 'carol', role: 'root' as never }).execute(),
      ).rejects.toThrow(/check/i);
      expect((await db.selectFrom('users').select('id').execute()).map((r) => r.id)).toEqual(['u1']);
    });

    it('stores training versions, activations and feedback; (datasource, version) is unique', async () => {
      const db = store!.db;
      const v = {
        datasource: 'ops',
        content_hash: 'a'.repeat(64),
        status: 'draft' as const,
        profile_json: JSON.stringify({ glossary: [{ term: 'break', meaning: 'unmatched' }] }),
        validation_json: null,
        created_by: 'alice',
        created_at: now(),
        note: 'first',
        parent_version_id: null,
      };
      await db.insertInto('training_versions').values({ ...v, id: 'tv1', version: 1 }).execute();
      await db.insertInto('training_versions').values({ ...v, id: 'tv2', version: 2, parent_version_id: 'tv1' }).execute();
      await db.insertInto('training_versions').values({ ...v, id: 'tv3', datasource: 'other', version: 1 }).execute();
      await expect(db.insertInto('training_versions').values({ ...v, id: 'tv4', version: 2 }).execute()).rejects.toThrow(/unique/i);
      await expect(db.insertInto('training_versions').values({ ...v, id: 'tv5', version: 3, status: 'bogus' as never }).execute()).rejects.toThrow(/check/i);

      await db.updateTable('training_versions').set({ status: 'active', validation_json: '{"ok":true}' }).where('id', '=', 'tv2').execute();
      await db
        .insertInto('training_activations')
        .values({ id: 'a1', datasource: 'ops', version_id: 'tv2', activated_by: 'alice', activated_at: now(), reason: 'better' })
        .execute();
      await db
        .insertInto('feedback')
        .values({ id: 'f1', question: 'open breaks?', sql: 'SELECT 1', corrected_sql: null, verdict: 'down', user_id: null, audit_id: 'x', training_version_id: 'tv2', created_at: now() })
        .execute();

      const got = await db
        .selectFrom('training_versions')
        .select(['id', 'version', 'status', 'parent_version_id', 'profile_json'])
        .where('datasource', '=', 'ops')
        .orderBy('version')
        .execute();
      expect(got.map((r) => [r.id, r.version, r.status, r.parent_version_id])).toEqual([
        ['tv1', 1, 'draft', null],
        ['tv2', 2, 'active', 'tv1'],
      ]);
      expect(JSON.parse(got[0]!.profile_json)).toEqual({ glossary: [{ term: 'break', meaning: 'unmatched' }] });
      const fb = await db.selectFrom('feedback').selectAll().executeTakeFirstOrThrow();
      expect(fb.status).toBe('candidate');
      await db.deleteFrom('training_activations').execute();
      await db.deleteFrom('feedback').execute();
      await db.deleteFrom('training_versions').where('id', '=', 'tv2').execute();
      expect((await db.selectFrom('training_versions').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['tv1', 'tv3']);
    });
  });
}

describe('SQLite store durability', () => {
  it('runs WAL with synchronous=NORMAL on the run that creates the file and on every later one', async () => {
    const d = mkdtempSync(join(tmpdir(), 'otc-store-sync-'));
    tmpDirs.push(d);
    const url = `sqlite:${join(d, 'app.db')}`;
    for (let run = 0; run < 2; run++) {
      const store = await openStore(url);
      try {
        const r = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
        const s = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db);
        expect([r.rows[0]?.journal_mode, s.rows[0]?.synchronous]).toEqual(['wal', 1]); // 1 = NORMAL
      } finally {
        await store.close();
      }
    }
  });
});

describe('store URLs and connection errors', () => {
  it('rejects a URL that is neither sqlite: nor postgres://', async () => {
    for (const bad of ['', 'mysql://x/y', 'app.db', 'sqlite:', 'postgres://h/db?schema=Bad-Name']) {
      await expect(openStore(bad)).rejects.toMatchObject({ code: 'OTC_ERR_BAD_STORE_URL' });
    }
  });

  it('keeps its tables in their own PostgreSQL schema when the URL asks for one', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const t = await createTempPgDatabase('otc_store');
    try {
      const s = await openStore(`${t.url}?schema=app`);
      await s.db.insertInto('app_meta').values({ key: 'k', value: 'v' }).execute();
      await s.close();
      const again = await openStore(`${t.url}?schema=app`);
      expect(await again.db.selectFrom('app_meta').select('value').execute()).toEqual([{ value: 'v' }]);
      await again.close();
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      const r = await c.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'users'`);
      await c.end();
      expect(r.rows).toEqual([{ table_schema: 'app' }]);
    } finally {
      await t.drop();
    }
  });

  it('migrates PostgreSQL stores started together, while another schema of the database is dropped', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const t = await createTempPgDatabase('otc_store');
    try {
      // other stores' schemas, dropped (under the migration lock, as the test worlds do) while these migrate
      const others = ['gone_1', 'gone_2', 'gone_3', 'gone_4'];
      for (const o of others) await (await openStore(`${t.url}?schema=${o}`)).close();
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      const dropping = (async () => {
        for (const o of others) {
          await c.query('SELECT pg_advisory_lock($1)', [STORE_MIGRATION_LOCK]);
          await c.query(`DROP SCHEMA ${o} CASCADE`);
          await c.query('SELECT pg_advisory_unlock($1)', [STORE_MIGRATION_LOCK]);
        }
      })();
      // four processes' worth of stores on one schema and four on their own, all at once
      const stores = await Promise.all([...Array.from({ length: 4 }, () => openStore(`${t.url}?schema=shared`)), ...Array.from({ length: 4 }, (_, i) => openStore(`${t.url}?schema=own_${i}`))]);
      await dropping;
      await c.end();
      for (const s of stores) {
        expect(await appliedMigrations(s)).toEqual(Object.keys(migrations));
        await s.close();
      }
    } finally {
      await t.drop();
    }
  });

  it('reports an unreachable PostgreSQL without the password', async () => {
    // port 1 on localhost: nothing listens there, so the connection is refused at once
    const err = await openStore('postgres://app:s3cretPW@127.0.0.1:1/appdb').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OTC_ERR_STORE_UNREACHABLE' });
    expect((err as Error).message).toContain('127.0.0.1:1/appdb');
    expect((err as Error).message).not.toContain('s3cretPW');
  });
});
