/**
 * Single sign-on end to end: a real OpenID Connect provider (oidc-provider 9) on loopback, the
 * real server, and a cookie-keeping client that follows the redirects and fills in the identity
 * provider's login, consent and sign-out forms.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, createOidcProvider, oidcSettingsOf } from '../../src/auth/index.js';
import { browse, CookieJar, freePort, request, startTestIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.js';
import { buildServer } from '../../src/server/app.js';
import { OIDC_TX_COOKIE, safeReturnTo } from '../../src/server/routes/oidc.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from '../../src/server/testing.js';

let idp: TestIdentityProvider;
let world: TestWorld;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startTestIdentityProvider({ redirectUri: `${base}/api/auth/oidc/callback`, postLogoutRedirectUri: `${base}/signed-out` });
  idp.accounts.set('alice', { name: 'Alice Analyst', email: 'alice@bank.example', groups: ['Everyone', 'OTC-Ops'] });
  idp.accounts.set('bob', { name: 'Bob Nobody', groups: ['Everyone'] });
  idp.accounts.set('mallory', { name: 'Mallory', groups: ['OTC-Admins'], preferred_username: 'viewer' });
  idp.accounts.set('ada', { name: 'Ada Auditor', groups: ['OTC-Audit', 'OTC-Ops'] });
  world = await createTestWorld();
  const settings = oidcSettingsOf({
    publicUrl: base,
    oidcIssuer: idp.issuer,
    oidcClientId: idp.clientId,
    oidcClientSecret: idp.clientSecret,
    oidcRedirectUri: undefined,
    oidcPostLogoutRedirectUri: `${base}/signed-out`,
    oidcScopes: 'openid profile email',
    oidcUsernameClaim: 'preferred_username',
    oidcRoleClaim: 'groups',
    oidcRoleMap: { 'OTC-Ops': 'analyst', 'OTC-Admins': 'admin', 'OTC-Audit': 'auditor' },
    oidcDefaultRole: undefined,
  })!;
  const provider = createOidcProvider(settings, { db: world.store.db, audit: world.audit });
  const sso = { provider, emergencyAdmin: 'admin' };
  const auth = createAuthService({ db: world.store.db, audit: world.audit, sso: { emergencyAdmin: 'admin' } });
  app = await buildServer({ ...world.deps, settings: { ...world.deps.settings, publicUrl: base, loginPerMinute: 1000 }, auth, sso });
  await app.listen({ host: '127.0.0.1', port });
});
afterAll(async () => {
  await app?.close();
  await idp?.close();
  await world?.close();
});

/** Signs in through the identity provider as `login`; returns the jar and the final redirect of the callback. */
async function ssoSignIn(login: string, returnTo = '/ask') {
  const jar = new CookieJar();
  const start = await request(jar, `${base}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  const to = new URL(start.headers.get('location')!);
  expect(to.origin).toBe(idp.issuer);
  expect(to.searchParams.get('code_challenge_method')).toBe('S256');
  expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const { response } = await browse(jar, to.href, `${base}/api/auth/oidc/callback`, login);
  return { jar, response };
}

/** Starts a sign-in and follows redirects: true when the identity provider shows its login form, false when it sends the browser straight back. */
async function reachesLoginForm(jar: CookieJar): Promise<boolean> {
  let next = (await request(jar, `${base}/api/auth/oidc/login`)).headers.get('location')!;
  for (let i = 0; i < 10; i++) {
    if (next.startsWith(`${base}/`)) return false;
    const res = await request(jar, next);
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get('location')!, next).href;
      continue;
    }
    return /name="login"/.test(await res.text());
  }
  throw new Error('too many redirects');
}

const auditOf = (kind: 'sign_in' | 'sign_out' | 'user_change') => world.audit.search({ kind, limit: 100 });

describe('single sign-on (OpenID Connect, oidc-provider on loopback)', () => {
  it('signs a new user in with the code flow and PKCE, creates them just in time with the mapped role, and audits both', async () => {
    const { jar, response } = await ssoSignIn('alice');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/ask');
    const me = await request(jar, `${base}/api/auth/me`);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { username: string; role: string; authProvider: string; displayName: string }; permissions: string[] };
    expect(body.user).toMatchObject({ username: 'alice', role: 'analyst', authProvider: `oidc:${idp.issuer}`, displayName: 'Alice Analyst' });
    expect(body.permissions).toContain('save_reports');
    const row = await world.store.db.selectFrom('users').selectAll().where('username', '=', 'alice').executeTakeFirstOrThrow();
    expect(row.external_subject).toBe('alice');
    expect(row.password_hash).toBeNull();

    const signIns = JSON.stringify(await auditOf('sign_in'));
    expect(signIns).toMatch(/"actor":"alice"/);
    expect(signIns).toMatch(/"matched":\["OTC-Ops"\]/);
    const changes = JSON.stringify(await auditOf('user_change'));
    expect(changes).toMatch(/"action":"create".*"via":"oidc"|"via":"oidc".*"action":"create"/);
  });

  it('sets the role again at each sign-in from the groups of that moment (audited), and the highest mapped role wins', async () => {
    idp.accounts.get('alice')!.groups = ['OTC-Ops', 'OTC-Admins'];
    const { jar } = await ssoSignIn('alice');
    const me = (await (await request(jar, `${base}/api/auth/me`)).json()) as { user: { role: string } };
    expect(me.user.role).toBe('admin');
    const changes = JSON.stringify(await auditOf('user_change'));
    expect(changes).toMatch(/"action":"role_mapped"/);
    expect(changes).toMatch(/"from":"analyst"/);
    // auditor outranks analyst
    const ada = await ssoSignIn('ada');
    const adaMe = (await (await request(ada.jar, `${base}/api/auth/me`)).json()) as { user: { role: string } };
    expect(adaMe.user.role).toBe('auditor');
  });

  it('refuses a user none of whose groups is mapped, with a typed error, and audits the refusal', async () => {
    const { response } = await ssoSignIn('bob');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('OTC_ERR_SSO_REFUSED');
    expect(await world.store.db.selectFrom('users').select('id').where('username', '=', 'bob').executeTakeFirst()).toBeUndefined();
    expect(JSON.stringify(await auditOf('sign_in'))).toMatch(/"reason":"no_role_mapped"/);
  });

  it('never joins an identity to an existing account of the same user name', async () => {
    const { response, jar } = await ssoSignIn('mallory'); // preferred_username 'viewer', a local user
    expect(response.status).toBe(401);
    expect(JSON.stringify(await auditOf('sign_in'))).toMatch(/"reason":"username_taken"/);
    expect((await request(jar, `${base}/api/auth/me`)).status).toBe(401);
  });

  it('refuses a callback whose state does not match, or that comes without the transaction cookie', async () => {
    const jar = new CookieJar();
    const start = await request(jar, `${base}/api/auth/oidc/login`);
    const authUrl = new URL(start.headers.get('location')!);
    authUrl.searchParams.set('state', 'forged-state');
    const { response } = await browse(jar, authUrl.href, `${base}/api/auth/oidc/callback`, 'alice');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('OTC_ERR_SSO_REFUSED');

    const other = new CookieJar();
    const start2 = await request(other, `${base}/api/auth/oidc/login`);
    const tx = other.get(base, OIDC_TX_COOKIE)!;
    other.set(base, OIDC_TX_COOKIE, `${tx.slice(0, -4)}AAAA`); // signature broken
    const r2 = await browse(other, start2.headers.get('location')!, `${base}/api/auth/oidc/callback`, 'alice');
    expect(r2.response.status).toBe(401);
    expect(JSON.stringify(await auditOf('sign_in'))).toMatch(/"reason":"no_transaction"/);
  });

  it('turns local passwords off except for the emergency admin, and says so to the sign-in page', async () => {
    const jar = new CookieJar();
    const providers = (await (await request(jar, `${base}/api/auth/providers`)).json()) as Record<string, unknown>;
    expect(providers).toEqual({ passwords: 'emergency_admin_only', sso: true, ssoLoginUrl: '/api/auth/oidc/login' });
    const { csrfToken } = (await (await request(jar, `${base}/api/auth/csrf`)).json()) as { csrfToken: string };
    const login = (username: string) =>
      request(jar, `${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    const refused = await login('analyst');
    expect(refused.status).toBe(401);
    expect(JSON.stringify(await auditOf('sign_in'))).toMatch(/"actor":"analyst".*"reason":"local_passwords_off"/);
    const ok = await login('admin');
    expect(ok.status).toBe(200);
  });

  it('logs out here and at the identity provider (RP-initiated logout back to the post-logout URI)', async () => {
    const { jar } = await ssoSignIn('ada');
    const { csrfToken } = (await (await request(jar, `${base}/api/auth/me`)).json()) as { csrfToken: string };
    const out = await request(jar, `${base}/api/auth/oidc/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(200);
    const { endSessionUrl } = (await out.json()) as { endSessionUrl: string };
    expect(new URL(endSessionUrl).origin).toBe(idp.issuer);
    expect((await request(jar, `${base}/api/auth/me`)).status).toBe(401);
    const back = await browse(jar, endSessionUrl, `${base}/signed-out`);
    expect(back.url.startsWith(`${base}/signed-out`)).toBe(true);
    expect(JSON.stringify(await auditOf('sign_out'))).toMatch(/"actor":"ada"/);
    // signed out at the identity provider too: the same browser is asked to log in again
    expect(await reachesLoginForm(jar)).toBe(true);
  });

  it('a browser still signed in at the identity provider goes straight through (the contrast to the test above)', async () => {
    const { jar } = await ssoSignIn('ada');
    expect(await reachesLoginForm(jar)).toBe(false);
  });

  it('only ever redirects to a path of this server after sign-in', () => {
    expect(safeReturnTo('/ask?q=1')).toBe('/ask?q=1');
    expect(safeReturnTo('//evil.example/x')).toBe('/');
    expect(safeReturnTo('/\\evil.example')).toBe('/');
    expect(safeReturnTo('https://evil.example/')).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});
