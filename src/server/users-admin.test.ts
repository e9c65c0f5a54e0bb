/** User administration over the API (issue 17 item 7): edit, reset with a forced change, delete only when the audit never names the user; the audit export takes the filters. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

async function signIn(username: string, password: string) {
  const r0 = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
  const secret = cookiesOf(r0).otc_csrf!;
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': r0.json().csrfToken }, payload: { username, password } });
  if (r.statusCode !== 200) return { status: r.statusCode, body: r.json() };
  const headers = { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, 'x-csrf-token': r.json().csrfToken as string };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: 200, body: r.json(), call };
}

beforeAll(async () => {
  world = await createTestWorld({});
  app = await buildServer(world.deps);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await world?.close();
});

describe('user administration', () => {
  it('edits a role and a disabled flag, resets a password with a forced change, and keeps the last admin', async () => {
    const admin = (await signIn('admin', TEST_PASSWORD)).call!;
    const created = await admin('POST', '/api/users', { username: 'dora', password: 'dora-password-01', role: 'viewer' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const patched = await admin('PATCH', `/api/users/${id}`, { role: 'auditor' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ role: 'auditor', mustChangePassword: false });

    const reset = await admin('POST', `/api/users/${id}/password`, {});
    expect(reset.statusCode, reset.body).toBe(200);
    const given = reset.json().password as string;
    expect(reset.json()).toMatchObject({ generated: true, user: { mustChangePassword: true } });

    const dora = await signIn('dora', given);
    expect(dora.body.user.mustChangePassword).toBe(true);
    expect((await dora.call!('GET', '/api/audit')).json().code).toBe('OTC_ERR_PASSWORD_CHANGE_REQUIRED');
    const wrong = await dora.call!('POST', '/api/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'dora-own-password-1' });
    expect(wrong.statusCode).toBe(401);
    const changed = await dora.call!('POST', '/api/auth/password', { currentPassword: given, newPassword: 'dora-own-password-1' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().user.mustChangePassword).toBe(false);
    expect((await dora.call!('GET', '/api/audit?limit=1')).statusCode).toBe(200);

    const me = (await admin('GET', '/api/auth/me')).json().user.id as string;
    const demote = await admin('PATCH', `/api/users/${me}`, { role: 'viewer' });
    expect(demote.json().code).toBe('OTC_ERR_LAST_ADMIN');
    const off = await admin('PATCH', `/api/users/${id}`, { disabled: true });
    expect(off.json().disabled).toBe(true);
    expect((await dora.call!('GET', '/api/audit?limit=1')).statusCode).toBe(401);
  });

  it('deletes a user the audit never names as the actor; refuses one it does (409), who can be disabled instead', async () => {
    const admin = (await signIn('admin', TEST_PASSWORD)).call!;
    const users = (await admin('GET', '/api/users')).json().users as { id: string; username: string }[];
    const dora = users.find((u) => u.username === 'dora')!;
    const refused = await admin('DELETE', `/api/users/${dora.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('OTC_ERR_USER_IN_AUDIT');
    const fresh = await admin('POST', '/api/users', { username: 'ephemeral', password: 'ephemeral-pass-1', role: 'viewer' });
    const gone = await admin('DELETE', `/api/users/${fresh.json().id}`);
    expect(gone.statusCode).toBe(204);
    expect(((await admin('GET', '/api/users')).json().users as { username: string }[]).some((u) => u.username === 'ephemeral')).toBe(false);
    const [rec] = await world.audit.search({ kind: 'user_change', limit: 1 });
    expect(rec).toMatchObject({ actor: 'admin', details: { action: 'delete', username: 'ephemeral' } });
  });

  it('exports the audit records the filters select', async () => {
    const admin = (await signIn('admin', TEST_PASSWORD)).call!;
    const r = await admin('GET', '/api/audit/export?format=jsonl&actor=dora&kind=sign_in');
    expect(r.statusCode).toBe(200);
    const records = r.body.trim().split('\n').map((l) => JSON.parse(l) as { actor: string; kind: string });
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(records.every((x) => x.actor === 'dora' && x.kind === 'sign_in')).toBe(true);
  });
});
