import type { Role } from './roles.js';

/** A signed-in person as every surface sees them (never the password hash). */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  /** 'local', or 'oidc:<issuer>' for users of an enterprise identity provider. */
  authProvider: string;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  /** An administrator set the password: the user must choose their own before anything else. */
  mustChangePassword: boolean;
}

/**
 * Credentials a provider checks. Local: user name + password. OpenID Connect: the URL the
 * identity provider redirected the browser to (code, state, iss) and the transaction this
 * browser started (state, nonce and PKCE verifier, from its short-lived cookie).
 */
export type Credentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'oidc'; callbackUrl: string; transaction: { state: string; nonce: string; codeVerifier: string } };

/**
 * A provider's answer with what the audit record of the sign-in should say: how the user was
 * recognised (e.g. the role mapping), or why they were refused (user undefined).
 */
export interface Authenticated {
  user: AuthUser | undefined;
  details?: Record<string, unknown>;
}

/**
 * Where identities come from. The local provider checks passwords against the store; the
 * OpenID Connect provider (oidc.ts) exchanges a code at the bank's identity provider and maps the
 * subject to a user row (auth_provider = 'oidc:<issuer>', external_subject = sub).
 */
export interface IdentityProvider {
  /** 'local' or 'oidc:<issuer>'. */
  readonly id: string;
  /** The user for valid credentials; undefined for wrong ones (never says which part was wrong). */
  authenticate(credentials: Credentials): Promise<AuthUser | Authenticated | undefined>;
}
