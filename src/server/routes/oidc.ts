import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ssoNotConfigured, ssoRefused, type OidcProvider, type OidcTransaction } from '../../auth/index.js';
import { errors } from '../schemas.js';
import { cookieOptions, SESSION_COOKIE } from '../session.js';

/** The cookie that carries one sign-in's state, nonce and PKCE verifier between /login and /callback. */
export const OIDC_TX_COOKIE = 'otc_oidc_tx';
const TX_TTL_S = 600;

interface StoredTransaction extends OidcTransaction {
  returnTo: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** A path on this server only ('/x', never '//host' or 'https://…'): the open-redirect check. */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) && v.length <= 512 ? v : '/';
}

/**
 * The transaction cookie is signed with a key derived from the client secret, which every API
 * replica shares: a cookie planted by a sibling subdomain (login CSRF) does not verify, and any
 * replica can finish a sign-in another started.
 */
function sealer(clientSecret: string) {
  const key = createHash('sha256').update(`otc-copilot/oidc-transaction/v1\0${clientSecret}`).digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    seal(tx: StoredTransaction): string {
      const body = Buffer.from(JSON.stringify(tx)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    open(value: string | undefined, nowS: number): StoredTransaction | undefined {
      if (!value) return undefined;
      const [body, sig] = value.split('.');
      if (!body || !sig) return undefined;
      const want = Buffer.from(mac(body));
      const got = Buffer.from(sig);
      if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
      try {
        const tx = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StoredTransaction;
        return typeof tx.exp === 'number' && tx.exp > nowS && tx.state && tx.nonce && tx.codeVerifier ? tx : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Single sign-on (OpenID Connect): GET /api/auth/oidc/login sends the browser to the identity
 * provider, GET /api/auth/oidc/callback finishes the sign-in and sets the session cookie,
 * POST /api/auth/oidc/logout ends the session here and gives the identity provider's sign-out
 * URL. GET /api/auth/providers tells the sign-in page what is on.
 */
export const oidcRoutes: FastifyPluginAsync<{ oidc?: OidcProvider; emergencyAdmin?: string }> = async (app, opts) => {
  const { settings } = app.deps;
  const oidc = opts.oidc;
  const tx = oidc ? sealer(oidc.settings.clientSecret) : undefined;
  // Lax, not Strict: the callback is a top-level navigation coming from the identity provider's site.
  const txCookie = (maxAge?: number) => ({ ...cookieOptions(settings.publicUrl, maxAge), sameSite: 'lax' as const, path: '/api/auth/oidc' });

  app.get(
    '/api/auth/providers',
    {
      schema: {
        tags: ['auth'],
        summary: 'How one signs in here: passwords, single sign-on, or both',
        response: {
          200: {
            type: 'object',
            required: ['passwords', 'sso'],
            properties: { passwords: { type: 'string', enum: ['all', 'emergency_admin_only', 'off'] }, sso: { type: 'boolean' }, ssoLoginUrl: { type: 'string' } },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () =>
      oidc
        ? { passwords: opts.emergencyAdmin ? ('emergency_admin_only' as const) : ('off' as const), sso: true, ssoLoginUrl: '/api/auth/oidc/login' }
        : { passwords: 'all' as const, sso: false },
  );

  app.get(
    '/api/auth/oidc/login',
    {
      config: { rateLimit: { max: settings.loginPerMinute ?? 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Single sign-on: redirects to the identity provider (authorization code flow with PKCE)',
        querystring: { type: 'object', properties: { returnTo: { type: 'string', maxLength: 512 } }, additionalProperties: false },
        response: { 302: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      if (!oidc || !tx) throw ssoNotConfigured();
      const { url, transaction } = await oidc.startLogin();
      const stored: StoredTransaction = { ...transaction, returnTo: safeReturnTo((req.query as { returnTo?: string }).returnTo), exp: Math.floor(Date.now() / 1000) + TX_TTL_S };
      void reply.setCookie(OIDC_TX_COOKIE, tx.seal(stored), txCookie(TX_TTL_S));
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/api/auth/oidc/callback',
    {
      config: { rateLimit: { max: settings.loginPerMinute ?? 10, timeWindow: 60_000 } },
      schema: { tags: ['auth'], summary: 'Single sign-on: where the identity provider sends the browser back; sets the session cookie', response: { 302: { type: 'null' }, ...errors } },
    },
    async (req: FastifyRequest, reply) => {
      if (!oidc || !tx) throw ssoNotConfigured();
      const stored = tx.open(req.cookies?.[OIDC_TX_COOKIE], Math.floor(Date.now() / 1000));
      void reply.clearCookie(OIDC_TX_COOKIE, txCookie());
      if (!stored) {
        await app.audit.append({ kind: 'sign_in', actor: 'oidc', outcome: 'refused', details: { provider: oidc.id, reason: 'no_transaction', ip: req.ip } });
        throw ssoRefused('no_transaction');
      }
      // The URL the identity provider redirected to, as registered (not as the proxy rewrote it).
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const callbackUrl = `${oidc.settings.redirectUri}${query}`;
      const s = await app.auth.signIn({ kind: 'oidc', callbackUrl, transaction: stored }, { ip: req.ip, provider: oidc });
      const ttl = Math.round((Date.parse(s.expiresAt) - Date.now()) / 1000);
      void reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(settings.publicUrl, ttl));
      return reply.redirect(stored.returnTo, 302);
    },
  );

  app.post(
    '/api/auth/oidc/logout',
    {
      schema: {
        tags: ['auth'],
        summary: "Single sign-on: ends the session here and gives the identity provider's sign-out URL to send the browser to",
        response: { 200: { type: 'object', required: ['endSessionUrl'], properties: { endSessionUrl: { type: ['string', 'null'] } }, additionalProperties: false }, ...errors },
      },
    },
    async (req, reply) => {
      if (req.sessionToken) await app.auth.signOut(req.sessionToken, req.user?.username);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(settings.publicUrl));
      const endSessionUrl = oidc && req.user?.authProvider === oidc.id ? ((await oidc.endSessionUrl()) ?? null) : null;
      return { endSessionUrl };
    },
  );
};
