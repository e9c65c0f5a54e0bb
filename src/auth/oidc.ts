import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { AuditEntry } from '../audit/index.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { StoreSchema } from '../store/index.js';
import { ssoUnavailable } from './errors.js';
import type { Authenticated, Credentials, IdentityProvider } from './identity.js';
import { isRole, type Role } from './roles.js';
import { toAuthUser, USERNAME_RE } from './service.js';

/** What single sign-on needs (OTC_OIDC_* settings, see oidcSettingsOf in oidc-config.ts). */
export interface OidcSettings {
  /** The identity provider's issuer URL; its /.well-known/openid-configuration is read once. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the identity provider sends the browser back: PUBLIC_URL/api/auth/oidc/callback. */
  redirectUri: string;
  /** Where the identity provider sends the browser after its own sign-out (default: PUBLIC_URL/). */
  postLogoutRedirectUri?: string;
  /** Space-separated scopes (must include openid). */
  scopes: string;
  /** The claim that names the user here (default preferred_username; then email, then sub). */
  usernameClaim: string;
  /** The claim holding groups or roles; a dotted path reaches into objects (realm_access.roles). */
  roleClaim: string;
  /** A value of roleClaim -> a role here. */
  roleMap: Readonly<Record<string, Role>>;
  /** Role of a user none of whose values is mapped; undefined = such users are refused. */
  defaultRole?: Role;
}

/** When a user's values map to several roles, the first of this list wins. */
export const ROLE_PRECEDENCE: readonly Role[] = ['admin', 'auditor', 'analyst', 'viewer'];

/** A claim by dotted path ('groups', 'realm_access.roles'), as a list of strings. */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let v: unknown = claims[path];
  if (v === undefined && path.includes('.')) {
    v = claims;
    for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  }
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * The role a user's claims give: every value of the role claim is looked up in the map (exact
 * match), and of the roles found the first in ROLE_PRECEDENCE wins; with none, the default role
 * (or none: refused).
 */
export function mapRole(claims: Record<string, unknown>, s: Pick<OidcSettings, 'roleClaim' | 'roleMap' | 'defaultRole'>): { role: Role | undefined; matched: string[]; by: 'map' | 'default' | 'none' } {
  const matched = claimValues(claims, s.roleClaim).filter((v) => Object.hasOwn(s.roleMap, v) && isRole(s.roleMap[v]));
  const roles = new Set(matched.map((v) => s.roleMap[v] as Role));
  const role = ROLE_PRECEDENCE.find((r) => roles.has(r));
  if (role) return { role, matched, by: 'map' };
  if (s.defaultRole) return { role: s.defaultRole, matched, by: 'default' };
  return { role: undefined, matched, by: 'none' };
}

/** The state of one sign-in, kept in a short-lived cookie of the browser that started it. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcProvider extends IdentityProvider {
  readonly settings: OidcSettings;
  /** The URL to send the browser to (authorization code flow with PKCE S256, state and nonce), and the transaction to keep. */
  startLogin(): Promise<{ url: string; transaction: OidcTransaction }>;
  /** The identity provider's sign-out URL (RP-initiated logout), or undefined when it has none. */
  endSessionUrl(idTokenHint?: string): Promise<string | undefined>;
}

export interface OidcProviderOptions {
  db: Kysely<StoreSchema>;
  audit?: { append(entry: AuditEntry): Promise<unknown> };
  now?: () => Date;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The OpenID Connect identity provider (openid-client 6): discovery on first use, the code flow
 * with PKCE, ID token checks (issuer, audience, nonce, signature), the userinfo claims added to
 * the ID token's, the role mapping, and just-in-time users (auth_provider 'oidc:<issuer>',
 * external_subject = sub). A user's role follows their groups at every sign-in.
 * Plain http is accepted only for an issuer on loopback (tests, a local Keycloak).
 */
export function createOidcProvider(settings: OidcSettings, opts: OidcProviderOptions): OidcProvider {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());
  const id = `oidc:${settings.issuer}`;
  const issuerUrl = new URL(settings.issuer);
  const insecure = issuerUrl.protocol === 'http:' && LOOPBACK.has(issuerUrl.hostname);
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client
      .discovery(issuerUrl, settings.clientId, { client_secret: settings.clientSecret, redirect_uris: [settings.redirectUri], response_types: ['code'] }, client.ClientSecretBasic(settings.clientSecret), insecure ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw ssoUnavailable(`discovery at ${settings.issuer} failed (${(e as Error).message})`);
      });
    return discovered;
  };
  const audit = async (e: AuditEntry) => {
    if (opts.audit) await opts.audit.append(e);
  };
  const refused = (reason: string, extra: Record<string, unknown> = {}): Authenticated => ({ user: undefined, details: { reason, ...extra } });

  async function userFor(claims: Record<string, unknown>): Promise<Authenticated> {
    const sub = String(claims.sub);
    const mapping = mapRole(claims, settings);
    const details = { issuer: settings.issuer, subject: sub, roleClaim: settings.roleClaim, matched: mapping.matched, roleBy: mapping.by };
    if (!mapping.role) return refused('no_role_mapped', details);
    const role = mapping.role;
    const displayName = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : null;
    const existing = await db.selectFrom('users').selectAll().where('auth_provider', '=', id).where('external_subject', '=', sub).executeTakeFirst();
    if (existing) {
      if (existing.role !== role || existing.display_name !== displayName) {
        await db.updateTable('users').set({ role, display_name: displayName }).where('id', '=', existing.id).execute();
        if (existing.role !== role) {
          await audit({ kind: 'user_change', actor: existing.username, outcome: 'ok', details: { action: 'role_mapped', username: existing.username, from: existing.role, to: role, ...details } });
        }
      }
      return { user: toAuthUser({ ...existing, role, display_name: displayName }), details };
    }
    const candidates = [claims[settings.usernameClaim], claims.preferred_username, claims.email, sub].filter((v): v is string => typeof v === 'string');
    const username = candidates.map((v) => v.trim()).find((v) => USERNAME_RE.test(v));
    if (!username) return refused('bad_username', details);
    const taken = await db.selectFrom('users').select(['id']).where('username', '=', username).executeTakeFirst();
    // Never join an identity to an existing account of the same name: that would let whoever controls the name at the identity provider take over a local account.
    if (taken) return refused('username_taken', { ...details, username });
    const row = {
      id: randomUUID(),
      username,
      display_name: displayName,
      role,
      password_hash: null,
      auth_provider: id,
      external_subject: sub,
      disabled: 0,
      created_at: now().toISOString(),
      last_login_at: null,
    };
    try {
      await db.insertInto('users').values(row).execute();
    } catch (e) {
      if (!/unique|duplicate/i.test((e as Error).message)) throw e;
      // A sign-in of the same person in another tab or process created it first.
      const again = await db.selectFrom('users').selectAll().where('auth_provider', '=', id).where('external_subject', '=', sub).executeTakeFirst();
      if (!again) return refused('username_taken', { ...details, username });
      return { user: toAuthUser(again), details };
    }
    await audit({ kind: 'user_change', actor: username, outcome: 'ok', details: { action: 'create', via: 'oidc', username, role, ...details } });
    return { user: toAuthUser({ ...row, auth_provider: id, must_change_password: 0 }), details: { ...details, created: true } };
  }

  return {
    id,
    settings,
    async startLogin() {
      const config = await configuration();
      const transaction: OidcTransaction = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, transaction };
    },

    async authenticate(c: Credentials): Promise<Authenticated | undefined> {
      if (c.kind !== 'oidc') return undefined;
      const config = await configuration();
      let claims: Record<string, unknown>;
      try {
        const tokens = await client.authorizationCodeGrant(config, new URL(c.callbackUrl), {
          pkceCodeVerifier: c.transaction.codeVerifier,
          expectedState: c.transaction.state,
          expectedNonce: c.transaction.nonce,
          idTokenExpected: true,
        });
        claims = { ...(tokens.claims() as Record<string, unknown>) };
        if (config.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
          claims = { ...info, ...claims };
        }
      } catch (e) {
        if (e instanceof TypeError && /fetch failed/i.test(e.message)) throw ssoUnavailable(e.message);
        const err = e as Error & { code?: string; error?: string };
        return refused('oidc_rejected', { issuer: settings.issuer, error: (err.error ?? err.code ?? err.name).slice(0, 100), message: err.message.slice(0, 300) });
      }
      return userFor(claims);
    },

    async endSessionUrl(idTokenHint) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      const params: Record<string, string> = { client_id: settings.clientId };
      if (settings.postLogoutRedirectUri) params.post_logout_redirect_uri = settings.postLogoutRedirectUri;
      if (idTokenHint) params.id_token_hint = idTokenHint;
      return client.buildEndSessionUrl(config, params).href;
    },
  };
}

type OidcConfig = Pick<
  Config,
  'publicUrl' | 'oidcIssuer' | 'oidcClientId' | 'oidcClientSecret' | 'oidcRedirectUri' | 'oidcPostLogoutRedirectUri' | 'oidcScopes' | 'oidcUsernameClaim' | 'oidcRoleClaim' | 'oidcRoleMap' | 'oidcDefaultRole'
>;

/** The single sign-on settings of a configuration; undefined when OTC_OIDC_ISSUER is unset. Throws ConfigError naming what is missing. */
export function oidcSettingsOf(cfg: OidcConfig): OidcSettings | undefined {
  if (!cfg.oidcIssuer) return undefined;
  const missing = [
    !cfg.oidcClientId && 'OTC_OIDC_CLIENT_ID',
    !cfg.oidcClientSecret && 'OTC_OIDC_CLIENT_SECRET',
    !cfg.oidcRedirectUri && !cfg.publicUrl && 'OTC_OIDC_REDIRECT_URI (or OTC_PUBLIC_URL)',
    !cfg.oidcRoleMap && !cfg.oidcDefaultRole && 'OTC_OIDC_ROLE_MAP (or OTC_OIDC_DEFAULT_ROLE)',
  ].filter(Boolean);
  if (missing.length) throw new ConfigError(`OTC_OIDC_ISSUER is set, so single sign-on also needs ${missing.join(', ')}`, 'unset OTC_OIDC_ISSUER to sign in with local passwords only');
  const issuer = new URL(cfg.oidcIssuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname))) {
    throw new ConfigError(`OTC_OIDC_ISSUER: ${cfg.oidcIssuer} must be https (plain http only on loopback, for tests)`);
  }
  const base = (cfg.publicUrl ?? '').replace(/\/+$/, '');
  return {
    issuer: cfg.oidcIssuer,
    clientId: cfg.oidcClientId as string,
    clientSecret: cfg.oidcClientSecret as string,
    redirectUri: cfg.oidcRedirectUri ?? `${base}/api/auth/oidc/callback`,
    postLogoutRedirectUri: cfg.oidcPostLogoutRedirectUri ?? (base ? `${base}/` : undefined),
    scopes: cfg.oidcScopes,
    usernameClaim: cfg.oidcUsernameClaim,
    roleClaim: cfg.oidcRoleClaim,
    roleMap: cfg.oidcRoleMap ?? {},
    defaultRole: cfg.oidcDefaultRole,
  };
}
