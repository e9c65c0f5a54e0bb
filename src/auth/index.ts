/** Users, roles, sessions and identity providers (local passwords and OpenID Connect). */
export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, can, isRole, type Role, type Permission } from './roles.js';
export type { Authenticated, AuthUser, Credentials, IdentityProvider } from './identity.js';
export { createOidcProvider, mapRole, claimValues, oidcSettingsOf, ROLE_PRECEDENCE, type OidcProvider, type OidcSettings, type OidcTransaction } from './oidc.js';
export { createAuthService, sessionIdOf, type AuthService, type AuthOptions, type NewUserInput, type SignInResult, type UserChanges } from './service.js';
export { hashPassword, verifyPassword, generatePassword, MIN_PASSWORD_LENGTH } from './passwords.js';
export { AuthErrorCode, unauthenticated, forbidden, ssoRefused, ssoUnavailable, ssoNotConfigured, passwordChangeRequired } from './errors.js';
