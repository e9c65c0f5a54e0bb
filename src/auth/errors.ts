import { OtcError } from '../shared/errors.js';

export const AuthErrorCode = {
  BadCredentials: 'OTC_ERR_BAD_CREDENTIALS',
  Unauthenticated: 'OTC_ERR_UNAUTHENTICATED',
  Forbidden: 'OTC_ERR_FORBIDDEN',
  UserExists: 'OTC_ERR_USER_EXISTS',
  BadUser: 'OTC_ERR_BAD_USER',
} as const;

export const badCredentials = () => new OtcError(AuthErrorCode.BadCredentials, 'The user name or password is not right.', { status: 401 });
export const unauthenticated = () => new OtcError(AuthErrorCode.Unauthenticated, 'Please sign in.', { status: 401 });
export const forbidden = (what: string) => new OtcError(AuthErrorCode.Forbidden, `Your role does not allow ${what}.`, { status: 403 });
export const userExists = (username: string) => new OtcError(AuthErrorCode.UserExists, `A user named "${username}" already exists.`, { status: 409 });
export const badUser = (message: string) => new OtcError(AuthErrorCode.BadUser, message, { status: 400 });
