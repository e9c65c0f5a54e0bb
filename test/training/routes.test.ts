/** The training API plugin on a bare Fastify instance, over a SQLite app store and a copy of the benchmark database. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { trainingRoutes } from '../../src/server/routes/training/index.js';
import { isOtcError, OtcError } from '../../src/shared/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { readProfileFolder, recordFeedback, requireActiveTraining, toBundle, type TrainingVersion } from '../../src/training/index.js';
import { testStoreUrls, type TestStoreUrls } from '../../src/server/testing.js';

const PROFILE_DIR = new URL('../../profiles/otc-ops', import.meta.url).pathname;

describe('training API plugin', () => {
  let dir: string;
  let store: Store;
  let stores: TestStoreUrls;
  let audit: AuditLog;
  let ds: Datasource;
  let app: FastifyInstance;
  const activated: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otc-training-api-'));
    copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, join(dir, 'ops.db'));
    // OTC_TEST_STORE: CI runs this suite on SQLite and on PostgreSQL stores.
    stores = testStoreUrls(dir);
    store = await openStore(stores.store);
    audit = await openAuditLog(stores.audit);
    ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
    app = Fastify();
    app.setErrorHandler((err, _req, reply) => {
      if (isOtcError(err)) return reply.status(err.status).send({ code: err.code, message: err.message });
      const e = err as { statusCode?: number; message: string };
      return reply.status(e.statusCode ?? 500).send({ code: 'OTC_ERR_BAD_REQUEST', message: e.message });
    });
    // A stand-in for the server's session: the role comes from a header.
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (req) => {
      const role = req.headers['x-role'];
      (req as unknown as { user: unknown }).user = role ? { username: `${role}-user`, role } : null;
    });
    await app.register(trainingRoutes, {
      prefix: '/api/training',
      store,
      audit,
      datasource: ds,
      datasourceKey: 'ops-demo',
      today: () => '2026-06-15',
      onActivated: (v) => {
        activated.push(v.version);
      },
      requirePermission: (p) => async (req) => {
        const user = (req as unknown as { user: { role: string } | null }).user;
        if (!user) throw new OtcError('OTC_ERR_UNAUTHENTICATED', 'sign in first', { status: 401 });
        if (p === 'manage_training' && user.role !== 'admin') throw new OtcError('OTC_ERR_FORBIDDEN', 'managing training needs the admin role', { status: 403 });
      },
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await ds?.close();
    await store?.close();
    await audit?.close();
    await stores?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = { 'x-role': 'admin' };

  it('imports a bundle, validates, activates, diffs, rolls back, and refuses what it must', async () => {
    const profile = readProfileFolder(PROFILE_DIR).profile;
    const none = await app.inject({ method: 'GET', url: '/api/training/versions', headers: admin });
    expect(none.json()).toEqual({ datasource: 'ops-demo', versions: [] });

    expect((await app.inject({ method: 'POST', url: '/api/training/import', headers: { 'x-role': 'viewer' }, payload: toBundle(profile) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/training/versions' })).statusCode).toBe(401);

    const imp = await app.inject({ method: 'POST', url: '/api/training/import', headers: admin, payload: { ...toBundle(profile), reason: 'first profile' } });
    expect(imp.statusCode).toBe(201);
    const v1 = imp.json().version as TrainingVersion;
    expect(v1).toMatchObject({ version: 1, status: 'draft', createdBy: 'admin-user', note: 'first profile', validation: null });
    const again = await app.inject({ method: 'POST', url: '/api/training/import', headers: admin, payload: toBundle(profile) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, version: { id: v1.id } });

    const bad = await app.inject({ method: 'POST', url: '/api/training/import', headers: admin, payload: { format: 'otc-copilot/training-bundle@1', profile: { name: 'x', entities: { t: { table: 'trades' } } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('OTC_ERR_PROFILE_INVALID');

    const early = await app.inject({ method: 'POST', url: `/api/training/versions/${v1.id}/activate`, headers: admin, payload: { reason: 'go' } });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'OTC_ERR_TRAINING_NOT_VALIDATED' });

    const val = await app.inject({ method: 'POST', url: `/api/training/versions/${v1.id}/validate`, headers: admin, payload: {} });
    expect(val.statusCode).toBe(200);
    expect(val.json().report.ok).toBe(true);
    expect(val.json().report.examples.length).toBe(profile.examples.length);
    expect(val.json().version.status).toBe('validated');

    const act = await app.inject({ method: 'POST', url: `/api/training/versions/1/activate`, headers: admin, payload: { reason: 'go live' } });
    expect(act.statusCode).toBe(200);
    expect(act.json()).toMatchObject({ version: 1, status: 'active' });
    expect((await requireActiveTraining(store, 'ops-demo')).version.id).toBe(v1.id);

    const one = await app.inject({ method: 'GET', url: `/api/training/versions/active`, headers: { 'x-role': 'viewer' } });
    expect(one.statusCode).toBe(200);
    expect(one.json().validation.examples.every((x: { pass: boolean }) => x.pass)).toBe(true);

    const p2 = JSON.parse(JSON.stringify(profile)) as typeof profile;
    p2.dimensions.find((d) => d.name === 'desk')!.words.push('trading desk team');
    const imp2 = await app.inject({ method: 'POST', url: '/api/training/import', headers: admin, payload: toBundle(p2) });
    const v2 = imp2.json().version as TrainingVersion;
    await app.inject({ method: 'POST', url: `/api/training/versions/${v2.id}/validate`, headers: admin, payload: { today: '2026-06-15' } });
    expect((await app.inject({ method: 'POST', url: `/api/training/versions/${v2.id}/activate`, headers: admin, payload: { reason: 'more words' } })).statusCode).toBe(200);

    const diff = await app.inject({ method: 'GET', url: `/api/training/diff?from=1&to=2`, headers: { 'x-role': 'viewer' } });
    expect(diff.statusCode).toBe(200);
    expect(diff.json().diff.synonyms).toEqual([{ of: "dimension 'desk'", added: ['trading desk team'], removed: [] }]);
    expect(diff.json().text).toContain(`dimension 'desk': +"trading desk team"`);

    const noReason = await app.inject({ method: 'POST', url: '/api/training/rollback', headers: admin, payload: { versionId: v1.id } });
    expect(noReason.statusCode).toBe(400);
    const rb = await app.inject({ method: 'POST', url: '/api/training/rollback', headers: admin, payload: { versionId: v1.id, reason: 'desk words confuse the report team' } });
    expect(rb.statusCode).toBe(200);
    expect(rb.json()).toMatchObject({ version: 1, status: 'active' });
    expect(activated).toEqual([1, 2, 1]);

    const list = await app.inject({ method: 'GET', url: '/api/training/versions', headers: admin });
    expect(list.json().versions.map((v: TrainingVersion) => [v.version, v.status])).toEqual([
      [2, 'retired'],
      [1, 'active'],
    ]);

    const drift = await app.inject({ method: 'GET', url: '/api/training/drift', headers: admin });
    expect(drift.statusCode).toBe(200);
    expect(drift.json().drift.changed).toBe(false);

    const events = await app.inject({ method: 'GET', url: '/api/training/events', headers: admin });
    expect(events.json().events.map((e: { action: string }) => e.action)).toEqual(['rollback', 'activate', 'validate', 'import', 'activate', 'validate', 'import']);

    const bundle = await app.inject({ method: 'GET', url: `/api/training/versions/1/export`, headers: admin });
    expect(bundle.json()).toMatchObject({ format: 'otc-copilot/training-bundle@1', source: { version: 1, contentHash: v1.contentHash } });
    expect(bundle.json().profile).toEqual(profile);

    expect((await app.inject({ method: 'GET', url: '/api/training/versions/99', headers: admin })).json().code).toBe('OTC_ERR_TRAINING_VERSION_NOT_FOUND');
    expect((await audit.verify()).ok).toBe(true);
  }, 180_000); // validates the whole profile against the benchmark database, on either store kind

  it('lists feedback candidates and promotes them into a draft version', async () => {
    const active = (await requireActiveTraining(store, 'ops-demo')).version;
    const fb = await recordFeedback(store, { question: 'How many margin calls are disputed?', verdict: 'down', sql: 'SELECT 1', correctedSql: "SELECT COUNT(*) FROM margin_calls WHERE status = 'Disputed'", trainingVersionId: active.id });
    const cands = await app.inject({ method: 'GET', url: '/api/training/feedback/candidates', headers: admin });
    expect(cands.json().candidates.map((c: { id: string }) => c.id)).toEqual([fb.id]);
    const prom = await app.inject({ method: 'POST', url: '/api/training/feedback/promote', headers: admin, payload: { ids: [fb.id], reason: 'reviewed by ops lead' } });
    expect(prom.statusCode).toBe(201);
    expect(prom.json()).toMatchObject({ created: true, promoted: 1, version: { version: 3, status: 'draft', note: 'reviewed by ops lead', parentVersionId: active.id } });
    expect((await app.inject({ method: 'GET', url: '/api/training/feedback/candidates', headers: admin })).json().candidates).toEqual([]);
  });
});
