import { OtcError } from '../shared/errors.js';

export const AuthErrorCode = {
  BadCredentials: 'OTC_ERR_BAD_CREDENTIALS',
  Unauthenticated: 'OTC_ERR_UNAUTHENTICATED',
  Forbidden: 'OTC_ERR_FORBIDDEN',
  UserExists: 'OTC_ERR_USER_EXISTS',
  BadUser: 'OTC_ERR_BAD_USER',
  SsoRefused: 'OTC_ERR_SSO_REFUSED',
  SsoUnavailable: 'OTC_ERR_SSO_UNAVAILABLE',
  SsoNotConfigured: 'OTC_ERR_SSO_NOT_CONFIGURED',
  UserNotFound: 'OTC_ERR_USER_NOT_FOUND',
  UserInAudit: 'OTC_ERR_USER_IN_AUDIT',
  LastAdmin: 'OTC_ERR_LAST_ADMIN',
  PasswordChangeRequired: 'OTC_ERR_PASSWORD_CHANGE_REQUIRED',
} as const;

export const badCredentials = () => new OtcError(AuthErrorCode.BadCredentials, 'The user name or password is not right.', { status: 401 });
export const unauthenticated = () => new OtcError(AuthErrorCode.Unauthenticated, 'Please sign in.', { status: 401 });
export const forbidden = (what: string) => new OtcError(AuthErrorCode.Forbidden, `Your role does not allow ${what}.`, { status: 403 });
export const userExists = (username: string) => new OtcError(AuthErrorCode.UserExists, `A user named "${username}" already exists.`, { status: 409 });
export const badUser = (message: string) => new OtcError(AuthErrorCode.BadUser, message, { status: 400 });

const SSO_REASONS: Record<string, string> = {
  no_role_mapped: 'your account has no group or claim that maps to a role here; ask an administrator to map one of your groups (OTC_OIDC_ROLE_MAP)',
  username_taken: 'another account already uses your user name here; ask an administrator',
  bad_username: 'the identity provider gave no usable user name',
  disabled: 'your account is disabled here',
  oidc_rejected: 'the identity provider\'s answer could not be verified; please start again',
  no_transaction: 'the sign-in started too long ago or in another browser; please start again',
};
export const ssoRefused = (reason: string) =>
  new OtcError(AuthErrorCode.SsoRefused, `Single sign-on did not sign you in: ${SSO_REASONS[reason] ?? reason}.`, { status: 401 });
export const ssoUnavailable = (reason: string) =>
  new OtcError(AuthErrorCode.SsoUnavailable, `The identity provider cannot be reached: ${reason}`, { status: 502, hint: 'check OTC_OIDC_ISSUER and that the identity provider answers from this server' });
export const ssoNotConfigured = () => new OtcError(AuthErrorCode.SsoNotConfigured, 'Single sign-on is not configured on this server.', { status: 404, hint: 'set OTC_OIDC_ISSUER, OTC_OIDC_CLIENT_ID and OTC_OIDC_CLIENT_SECRET' });
export const userNotFound = () => new OtcError(AuthErrorCode.UserNotFound, 'No such user.', { status: 404 });
export const userInAudit = (username: string, records: number) =>
  new OtcError(AuthErrorCode.UserInAudit, `"${username}" appears in the audit trail (${records === 1 ? 'a record' : 'records'} of what they did), so the account cannot be deleted: disable it instead.`, { status: 409 });
export const lastAdmin = () => new OtcError(AuthErrorCode.LastAdmin, 'This is the last enabled administrator: make another user an administrator first.', { status: 409 });
export const passwordChangeRequired = () =>
  new OtcError(AuthErrorCode.PasswordChangeRequired, 'An administrator set your password: choose your own before going on.', { status: 403 });
