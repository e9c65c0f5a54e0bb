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
}

/** Credentials a provider checks. Local: user name + password; OpenID Connect will pass a code. */
export type Credentials = { kind: 'password'; username: string; password: string } | { kind: 'oidc'; code: string; state: string; redirectUri: string };

/**
 * Where identities come from. The local provider checks passwords against the store; an
 * OpenID Connect provider (later) exchanges a code at the bank's identity provider and maps the
 * subject to a user row (auth_provider = 'oidc:<issuer>', external_subject = sub).
 */
export interface IdentityProvider {
  /** 'local' or 'oidc:<issuer>'. */
  readonly id: string;
  /** The user for valid credentials; undefined for wrong ones (never says which part was wrong). */
  authenticate(credentials: Credentials): Promise<AuthUser | undefined>;
}
