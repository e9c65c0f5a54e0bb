import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateVersion, readProfileFolder, toBundle, type Profile } from '../training/index.js';
import { buildServer } from './app.js';
import { createTestWorld, EXAMPLES_AS_OF, PROFILE_DIR, TEST_PASSWORD, type TestWorld } from './testing.js';

type Who = 'none' | 'viewer' | 'analyst' | 'admin' | 'auditor';
const ROLES: Who[] = ['none', 'viewer', 'analyst', 'admin', 'auditor'];
interface Client {
  app: FastifyInstance;
  sessions: Record<string, { cookie: string; csrf: string }>;
}

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

async function clientOf(app: FastifyInstance): Promise<Client> {
  const csrf = async () => {
    const r = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
    return { token: r.json().csrfToken as string, secret: cookiesOf(r).otc_csrf! };
  };
  const sessions: Client['sessions'] = {};
  const anon = await csrf();
  sessions.none = { cookie: `otc_csrf=${anon.secret}`, csrf: anon.token };
  for (const username of ['viewer', 'analyst', 'admin', 'auditor']) {
    const c = await csrf();
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: c.secret }, headers: { 'x-csrf-token': c.token }, payload: { username, password: TEST_PASSWORD } });
    expect(r.statusCode).toBe(200);
    sessions[username] = { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${c.secret}`, csrf: r.json().csrfToken as string };
  }
  return { app, sessions };
}

function call(c: Client, who: Who, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const s = c.sessions[who]!;
  return c.app.inject({ method, url, headers: { cookie: s.cookie, ...(method === 'POST' ? { 'x-csrf-token': s.csrf } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** The demo profile plus a filter only version 2 has: "whale trades" (USD 500m or more). */
function profileWithWhales(): Profile {
  const { profile } = readProfileFolder(PROFILE_DIR);
  return {
    ...profile,
    filters: [
      ...profile.filters,
      { name: 'whale_trade', entity: 'trades', label: 'notional of USD 500m or more', words: ['whale', 'whales', 'whale trade', 'whale trades'], where: [{ column: 'notional_usd', op: '>=', value: 500_000_000 }], implies: false },
    ],
  } as Profile;
}

const QUESTION = 'How many whale trades are live?';

describe('training API on the server', () => {
  let world: TestWorld;
  let c: Client;

  beforeAll(async () => {
    world = await createTestWorld({ loginPerMinute: 1000, askPerMinute: 1000 });
    c = await clientOf(await buildServer(world.deps));
  }, 120_000);
  afterAll(async () => {
    await c?.app.close();
    await world?.close();
  });

  describe('route x role matrix (training is managed by admins only)', () => {
    // [method, url, payload, expected status per role: none, viewer, analyst, admin, auditor]
    const bundle = () => toBundle(readProfileFolder(PROFILE_DIR).profile);
    const matrix: [string, 'GET' | 'POST', string, (() => unknown) | undefined, number[]][] = [
      ['versions', 'GET', '/api/training/versions', undefined, [401, 403, 403, 200, 403]],
      ['one version', 'GET', '/api/training/versions/1', undefined, [401, 403, 403, 200, 403]],
      ['active version', 'GET', '/api/training/versions/active', undefined, [401, 403, 403, 200, 403]],
      ['export', 'GET', '/api/training/versions/1/export', undefined, [401, 403, 403, 200, 403]],
      ['import of identical content', 'POST', '/api/training/import', bundle, [401, 403, 403, 200, 403]],
      ['validate', 'POST', '/api/training/versions/1/validate', () => ({ today: EXAMPLES_AS_OF }), [401, 403, 403, 200, 403]],
      ['activate the active one', 'POST', '/api/training/versions/1/activate', () => ({ reason: 'matrix' }), [401, 403, 403, 409, 403]],
      ['roll back to the active one', 'POST', '/api/training/rollback', () => ({ versionId: '1', reason: 'matrix' }), [401, 403, 403, 409, 403]],
      ['diff', 'GET', '/api/training/diff?from=1&to=1', undefined, [401, 403, 403, 200, 403]],
      ['drift', 'GET', '/api/training/drift', undefined, [401, 403, 403, 200, 403]],
      ['events', 'GET', '/api/training/events', undefined, [401, 403, 403, 200, 403]],
      ['feedback candidates', 'GET', '/api/training/feedback/candidates', undefined, [401, 403, 403, 200, 403]],
    ];
    for (const [name, method, url, payload, expected] of matrix) {
      it(`${method} ${url} (${name})`, async () => {
        const got: number[] = [];
        for (const who of ROLES) got.push((await call(c, who, method, url, payload?.())).statusCode);
        expect(got).toEqual(expected);
      }, 60_000);
    }

    it('lists the training routes in the OpenAPI document', async () => {
      const doc = (await c.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
      for (const path of ['/api/training/versions', '/api/training/versions/{id}/activate', '/api/training/rollback', '/api/training/diff', '/api/training/drift', '/api/training/feedback/promote'])
        expect(Object.keys(doc.paths)).toContain(path);
    });

    it('refuses a state change without the CSRF header, even for an admin', async () => {
      const r = await c.app.inject({ method: 'POST', url: '/api/training/versions/1/validate', headers: { cookie: c.sessions.admin!.cookie }, payload: {} });
      expect(r.statusCode).toBe(403);
    });

    it('every signed-in role reads the active version in /api/meta', async () => {
      for (const who of ['viewer', 'analyst', 'admin', 'auditor'] as Who[]) {
        const m = (await call(c, who, 'GET', '/api/meta')).json();
        expect(m).toMatchObject({ trainingVersion: 'otc-ops v1', trained: true, validated: true });
      }
      expect((await call(c, 'none', 'GET', '/api/meta')).statusCode).toBe(401);
    });
  });

  describe('activation and rollback switch the answers at once', () => {
    it('a question answered differently under version 2 answers as under version 1 after the rollback', async () => {
      const v1 = (await call(c, 'admin', 'GET', '/api/training/versions/active')).json();
      expect(v1.version).toBe(1);
      const before = (await call(c, 'analyst', 'POST', '/api/ask', { question: QUESTION })).json();
      expect(before.trainingVersion).toBe(v1.id);

      const imported = await call(c, 'admin', 'POST', '/api/training/import', { ...toBundle(profileWithWhales()), reason: 'whale trades' });
      expect(imported.statusCode).toBe(201);
      const v2 = imported.json().version;
      expect(v2).toMatchObject({ version: 2, status: 'draft' });

      // Not validated: cannot be activated, and answers stay under version 1.
      const early = await call(c, 'admin', 'POST', `/api/training/versions/${v2.id}/activate`, { reason: 'too early' });
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('OTC_ERR_TRAINING_NOT_VALIDATED');

      const validated = await call(c, 'admin', 'POST', `/api/training/versions/${v2.id}/validate`, { today: EXAMPLES_AS_OF });
      expect(validated.statusCode).toBe(200);
      expect(validated.json().report.ok).toBe(true);
      expect(validated.json().version.status).toBe('validated');

      const diff = (await call(c, 'admin', 'GET', `/api/training/diff?from=1&to=2`)).json();
      expect(diff.text).toContain('whale_trade');

      const activated = await call(c, 'admin', 'POST', `/api/training/versions/${v2.id}/activate`, { reason: 'whale trades asked for by ops' });
      expect(activated.statusCode).toBe(200);
      expect(activated.json().status).toBe('active');
      expect((await call(c, 'viewer', 'GET', '/api/meta')).json()).toMatchObject({ trainingVersion: 'otc-ops v2', trainingVersionId: v2.id });

      const under2 = (await call(c, 'analyst', 'POST', '/api/ask', { question: QUESTION })).json();
      expect(under2.trainingVersion).toBe(v2.id);
      expect(under2.status).toBe('answered');
      expect(under2.sql).toContain('500000000');
      expect({ status: under2.status, sql: under2.sql, rows: under2.rows }).not.toEqual({ status: before.status, sql: before.sql, rows: before.rows });

      const rolledBack = await call(c, 'admin', 'POST', '/api/training/rollback', { versionId: v1.id, reason: 'whale filter under review' });
      expect(rolledBack.statusCode).toBe(200);
      expect(rolledBack.json()).toMatchObject({ id: v1.id, status: 'active' });
      expect((await call(c, 'viewer', 'GET', '/api/meta')).json()).toMatchObject({ trainingVersion: 'otc-ops v1', trainingVersionId: v1.id });

      const after = (await call(c, 'analyst', 'POST', '/api/ask', { question: QUESTION })).json();
      expect(after.trainingVersion).toBe(v1.id);
      expect({ status: after.status, sql: after.sql, rows: after.rows, explanation: after.explanation }).toEqual({ status: before.status, sql: before.sql, rows: before.rows, explanation: before.explanation });

      const versions = (await call(c, 'admin', 'GET', '/api/training/versions')).json().versions as { version: number; status: string }[];
      expect(versions.map((v) => [v.version, v.status])).toEqual([[2, 'retired'], [1, 'active']]);
    }, 120_000);

    it('follows an activation made outside the server (the CLI in another process)', async () => {
      await activateVersion({ store: world.store, audit: world.audit, datasourceKey: world.datasourceKey }, 2, { actor: 'cli-user', reason: 'activated from the command line' });
      const a = (await call(c, 'analyst', 'POST', '/api/ask', { question: QUESTION })).json();
      expect(a.sql).toContain('500000000');
      expect((await call(c, 'viewer', 'GET', '/api/meta')).json().trainingVersion).toBe('otc-ops v2');
    }, 60_000);

    it('after concurrent activations the server answers with whichever version the store holds active', async () => {
      const [a, b] = await Promise.all([
        call(c, 'admin', 'POST', '/api/training/rollback', { versionId: '1', reason: 'race: back to 1' }),
        call(c, 'admin', 'POST', '/api/training/rollback', { versionId: '1', reason: 'race: back to 1 again' }),
      ]);
      // At least one wins; a loser finds version 1 already active.
      expect([a.statusCode, b.statusCode]).toContain(200);
      for (const r of [a, b]) if (r.statusCode !== 200) expect(r.json().code).toBe('OTC_ERR_TRAINING_ALREADY_ACTIVE');
      const active = (await call(c, 'admin', 'GET', '/api/training/versions/active')).json();
      const answer = (await call(c, 'analyst', 'POST', '/api/ask', { question: QUESTION })).json();
      expect(answer.trainingVersion).toBe(active.id);
      expect(active.version).toBe(1);
    }, 60_000);

    it('rollback needs a reason', async () => {
      const r = await call(c, 'admin', 'POST', '/api/training/rollback', { versionId: '1' });
      expect(r.statusCode).toBe(400);
    });
  });
});

describe('a datasource without an active training version', () => {
  let world: TestWorld;
  let c: Client;

  beforeAll(async () => {
    world = await createTestWorld({ loginPerMinute: 1000 }, { trades: 150, untrained: true });
    c = await clientOf(await buildServer(world.deps));
  }, 120_000);
  afterAll(async () => {
    await c?.app.close();
    await world?.close();
  });

  it('refuses questions with OTC_ERR_NOT_TRAINED (409) saying what to do, and meta says so', async () => {
    for (const who of ['viewer', 'analyst', 'admin'] as Who[]) {
      const r = await call(c, who, 'POST', '/api/ask', { question: 'How many live trades?' });
      expect(r.statusCode).toBe(409);
      expect(r.json().code).toBe('OTC_ERR_NOT_TRAINED');
      expect(r.json().message).toMatch(/import, validate and activate/);
    }
    const m = (await call(c, 'viewer', 'GET', '/api/meta')).json();
    expect(m).toMatchObject({ trained: false, validated: false, trainingVersion: null, profile: null, examples: [] });
    expect(m.notTrained.code).toBe('OTC_ERR_NOT_TRAINED');
  });

  it('answers right after an admin imports, validates and activates a version, without a restart', async () => {
    const imported = await call(c, 'admin', 'POST', '/api/training/import', { ...toBundle(readProfileFolder(PROFILE_DIR).profile), reason: 'first training' });
    expect(imported.statusCode).toBe(201);
    const id = imported.json().version.id as string;
    expect((await call(c, 'admin', 'POST', `/api/training/versions/${id}/validate`, { today: EXAMPLES_AS_OF })).json().report.ok).toBe(true);
    expect((await call(c, 'admin', 'POST', `/api/training/versions/${id}/activate`, { reason: 'first training' })).statusCode).toBe(200);
    const r = await call(c, 'viewer', 'POST', '/api/ask', { question: 'How many live trades?' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'answered', trainingVersion: id });
    expect((await call(c, 'viewer', 'GET', '/api/meta')).json()).toMatchObject({ trained: true, trainingVersion: 'otc-ops v1' });
  }, 120_000);
});
