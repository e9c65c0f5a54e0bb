/**
 * A real OpenID Connect provider (oidc-provider 9) on loopback for the single sign-on tests, and
 * a small cookie-keeping "browser" that follows its redirects and submits its login, consent and
 * logout forms the way a person would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  name: string;
  email?: string;
  groups: string[];
  preferred_username?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login (the login form accepts any password); change them between sign-ins. */
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A free loopback port (for a redirect URI that must be registered before the app listens). */
export async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

export async function startTestIdentityProvider(client: { redirectUri: string; postLogoutRedirectUri: string }): Promise<TestIdentityProvider> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'otc-copilot';
  const clientSecret = randomBytes(24).toString('base64url');
  const accounts = new Map<string, TestAccount>();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'], email: ['email'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: a.name, email: a.email, preferred_username: a.preferred_username ?? sub, groups: a.groups }) };
    },
  });
  // oidc-provider's default console warnings about development settings are noise here.
  provider.on('server_error', (_ctx, err) => console.error('[test idp]', err));
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Cookies per origin, as a browser keeps them (enough for these flows: no paths, no domains). */
export class CookieJar {
  private jars = new Map<string, Map<string, string>>();
  header(url: string): string | undefined {
    const jar = this.jars.get(new URL(url).origin);
    return jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }
  store(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
  get(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).origin)?.get(name);
  }
  set(origin: string, name: string, value: string): void {
    const o = new URL(origin).origin;
    const jar = this.jars.get(o) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(o, jar);
  }
}

/** One request without following redirects, cookies sent and kept. */
export async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

function formOf(html: string, base: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name) fields[name] = value;
  }
  return { action: new URL(form[1]!.replace(/&amp;/g, '&'), base).href, fields };
}

/**
 * Follows redirects from `url` until one leaves for `stopAt` (returned, not followed), filling in
 * every form the identity provider shows: the login (as `login`), the consent, the sign-out
 * confirmation ("Yes, sign me out"). At most 20 steps.
 */
export async function browse(jar: CookieJar, url: string, stopAt: string, login?: string): Promise<{ url: string; response: Response }> {
  let next = url;
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    if (next.startsWith(stopAt)) return { url: next, response: await request(jar, next, init) };
    const res = await request(jar, next, init);
    init = {};
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get('location')!, next).href;
      continue;
    }
    const html = await res.text();
    const form = formOf(html, next);
    if (res.status !== 200 || !form) throw new Error(`identity provider page without a form: ${res.status} ${next}\n${html.slice(0, 500)}`);
    const fields = { ...form.fields };
    if ('login' in fields) Object.assign(fields, { login: login ?? '', password: 'any-password' });
    if ('xsrf' in fields) fields.logout = 'yes';
    next = form.action;
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
  }
  throw new Error(`more than 20 steps from ${url}`);
}
