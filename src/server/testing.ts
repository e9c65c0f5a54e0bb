/**
 * Test support for the server and the end-to-end tests: a temp data folder with a small demo
 * database, the real store, audit log, datasource, trained model and copilot, and users of
 * every role. Not used by the product itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { openAuditLog, type AuditLog } from '../audit/index.js';
import { loadSigningKey } from '../audit/signing.js';
import { createAuthService, type AuthService, type Role } from '../auth/index.js';
import { openDatasource, type Datasource } from '../datasource/index.js';
import { buildDemoDatabase } from '../demo/index.js';
import { createCopilot } from '../nl2sql/index.js';
import { openStore, STORE_MIGRATION_LOCK, type Store } from '../store/index.js';
import { bootstrapTraining, type TrainedModel } from '../training/index.js';
import { createAnsweringHolder, type Answering } from './answering.js';
import { buildServer } from './app.js';
import type { ServerDeps, ServerSettings } from './deps.js';

export const TEST_TODAY = '2026-11-20';
/** The as-of date the demo profile's example SQL was written for (profiles/otc-ops/examples.yaml): its validation runs at that date. */
export const EXAMPLES_AS_OF = '2026-06-15';
export const TEST_PASSWORD = 'correct-horse-battery';
export const PROFILE_DIR = fileURLToPath(new URL('../../profiles/otc-ops', import.meta.url));

/**
 * Which kind of app store and audit log the tests' worlds use: OTC_TEST_STORE=postgres puts
 * them in PostgreSQL (OTC_TEST_PG_URL, default the CI machine's `test` database), each world in
 * schemas of its own; SQLite files otherwise. CI runs the server, training, scheduler and report
 * suites both ways.
 */
export const TEST_STORE_KIND: 'sqlite' | 'postgres' = process.env.OTC_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
const TEST_PG_URL = process.env.OTC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStoreUrls {
  kind: 'sqlite' | 'postgres';
  store: string;
  audit: string;
  /** Removes what the URLs hold (PostgreSQL schemas; SQLite files go with their folder). Idempotent. */
  drop(): Promise<void>;
}

/** URLs of a fresh app store and audit log for one test (see TEST_STORE_KIND); SQLite files go in `dir`. */
export function testStoreUrls(dir: string, kind: 'sqlite' | 'postgres' = TEST_STORE_KIND): TestStoreUrls {
  if (kind === 'sqlite') return { kind, store: `sqlite:${join(dir, 'app.db')}`, audit: `sqlite:${join(dir, 'audit.db')}`, drop: async () => undefined };
  const id = randomBytes(6).toString('hex');
  const schemas = [`otc_test_store_${id}`, `otc_test_audit_${id}`] as const;
  const urlOf = (schema: string) => {
    const u = new URL(TEST_PG_URL);
    u.searchParams.set('schema', schema);
    return u.toString();
  };
  let dropped: Promise<void> | undefined;
  return {
    kind,
    store: urlOf(schemas[0]),
    audit: urlOf(schemas[1]),
    drop: () =>
      (dropped ??= (async () => {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        try {
          // under the stores' migration lock: a store of another test file migrating meanwhile reads every schema's catalog
          await c.query('SELECT pg_advisory_lock($1)', [STORE_MIGRATION_LOCK]);
          for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
          await c.query('SELECT pg_advisory_unlock($1)', [STORE_MIGRATION_LOCK]);
        } finally {
          await c.end();
        }
      })()),
  };
}

export interface TestWorld {
  dir: string;
  deps: ServerDeps;
  auth: AuthService;
  store: Store;
  audit: AuditLog;
  datasource: Datasource;
  /** The datasource's key in the training store. */
  datasourceKey: string;
  /** Where the app store and the audit log are (TEST_STORE_KIND). */
  urls: TestStoreUrls;
  close(): Promise<void>;
}

/**
 * Builds everything a server needs in a fresh temp folder; users viewer/analyst/admin/auditor share
 * TEST_PASSWORD. The demo profile is imported, validated (as of EXAMPLES_AS_OF) and active as
 * version 1, unless `untrained`: then no version exists and asking is refused (OTC_ERR_NOT_TRAINED).
 */
export async function createTestWorld(
  settings: Partial<ServerSettings> = {},
  opts: { trades?: number; untrained?: boolean; /** Sign the audit log as the server does (a key and checkpoint file in the folder). */ signedAudit?: boolean; /** The audit log's URL (default a SQLite file in the folder), e.g. a PostgreSQL database. */ auditUrl?: string } = {},
): Promise<TestWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'otc-server-'));
  const dbPath = join(dir, 'demo-ops.db');
  await buildDemoDatabase({ out: dbPath, trades: opts.trades ?? 400, seed: 42, asOf: TEST_TODAY });
  const urls = testStoreUrls(dir);
  const store = await openStore(urls.store);
  const audit = await openAuditLog(opts.auditUrl ?? urls.audit, {
    ...(opts.signedAudit ? { integrity: { keys: loadSigningKey(join(dir, 'audit-signing.key'), { create: true }), checkpointFile: join(dir, 'audit-checkpoints.jsonl') } } : {}),
  });
  const datasource = await openDatasource(`sqlite:${dbPath}`);
  const datasourceKey = datasource.description;
  const full: ServerSettings = { maxRows: 1000, queryTimeoutMs: 10_000, logLevel: 'silent', ...settings };
  const copilotFor = (model: TrainedModel, versionId: string) => createCopilot({ datasource, model, audit, maxRows: full.maxRows, timeoutMs: full.queryTimeoutMs, trainingVersion: versionId });
  let initial: Answering | null = null;
  if (!opts.untrained) {
    const { model, version } = await bootstrapTraining({ store, audit, datasource, datasourceKey, profileDir: PROFILE_DIR, actor: 'test', today: EXAMPLES_AS_OF });
    initial = { model, copilot: copilotFor(model, version.id), label: `${version.profileName} v${version.version}`, version };
  }
  const answering = createAnsweringHolder({ store, datasourceKey, initial, copilotFor });
  const auth = createAuthService({ db: store.db, audit });
  for (const role of ['viewer', 'analyst', 'admin', 'auditor'] as Role[]) {
    await auth.createUser({ username: role, password: TEST_PASSWORD, role, displayName: `Test ${role}` }, 'test');
  }
  const deps: ServerDeps = { settings: full, store, audit, datasource, datasourceKey, answering, today: () => TEST_TODAY, auth };
  return {
    dir,
    deps,
    auth,
    store,
    audit,
    datasource,
    datasourceKey,
    urls,
    async close() {
      await datasource.close();
      await store.close();
      await audit.close();
      await urls.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-in user's session cookie and CSRF token. */
export interface TestSession {
  cookie: string;
  csrf: string;
}

const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

/** Signs a user in over the API as the web app does (CSRF token first); throws unless the login answers 200. */
export async function signInOver(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<TestSession> {
  const r0 = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
  const secret = cookiesOf(r0).otc_csrf!;
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': r0.json().csrfToken }, payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`signing ${username} in answered ${r.statusCode}: ${r.body}`);
  return { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, csrf: r.json().csrfToken };
}

export interface TestServer {
  world: TestWorld;
  app: FastifyInstance;
  /** A request as one of the users signed in at the start. */
  call(user: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A test world (createTestWorld with `settings`) behind a server built on it, with `users` signed in;
 * `more` adds to the server's dependencies what a suite needs beyond the world (a scheduler, report settings).
 */
export async function startTestServer(settings: Partial<ServerSettings>, users: readonly Role[], more?: (world: TestWorld) => Partial<ServerDeps>): Promise<TestServer> {
  const world = await createTestWorld(settings);
  let app: FastifyInstance | undefined;
  try {
    app = await buildServer({ ...world.deps, ...more?.(world) });
    const server = app;
    const sessions = new Map<string, TestSession>();
    for (const u of users) sessions.set(u, await signInOver(server, u));
    return {
      world,
      app: server,
      call(user, method, url, payload) {
        const s = sessions.get(user);
        if (!s) throw new Error(`${user} is not signed in on this test server`);
        return server.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload !== undefined ? { payload: payload as object } : {}) });
      },
      async close() {
        await server.close();
        await world.close();
      },
    };
  } catch (e) {
    await app?.close();
    await world.close();
    throw e;
  }
}

/** Asks `question` as `user` and saves the answer as a saved question; its id. */
export async function savedAnswer(call: TestServer['call'], user: string, question: string): Promise<string> {
  const a = (await call(user, 'POST', '/api/ask', { question })).json();
  if (a.status !== 'answered') throw new Error(`"${question}" was not answered: ${JSON.stringify(a)}`);
  const s = await call(user, 'POST', '/api/saved', { auditId: a.auditId });
  if (s.statusCode !== 201) throw new Error(`saving "${question}" answered ${s.statusCode}: ${s.body}`);
  return s.json().id as string;
}
