/** Users, roles, sessions and identity providers (local passwords now; OpenID Connect next). */
export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, can, isRole, type Role, type Permission } from './roles.js';
export type { AuthUser, Credentials, IdentityProvider } from './identity.js';
export { createAuthService, sessionIdOf, type AuthService, type AuthOptions, type NewUserInput, type SignInResult } from './service.js';
export { hashPassword, verifyPassword, generatePassword, MIN_PASSWORD_LENGTH } from './passwords.js';
export { AuthErrorCode, unauthenticated, forbidden } from './errors.js';
