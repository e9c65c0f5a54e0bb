import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../audit/index.js';
import type { StoreSchema, UserRow } from '../store/index.js';
import { AuthErrorCode, badCredentials, badUser, lastAdmin, ssoRefused, userExists, userInAudit, userNotFound } from './errors.js';
import type { Authenticated, AuthUser, Credentials, IdentityProvider } from './identity.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { isRole, type Role } from './roles.js';

export interface AuthOptions {
  db: Kysely<StoreSchema>;
  /** Where sign-ins and user changes are recorded. */
  audit?: { append(entry: AuditEntry): Promise<unknown> };
  /** Session lifetime in milliseconds (default 12 hours). */
  sessionTtlMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  /**
   * Single sign-on is on: local passwords are refused, except for this one user name (the
   * emergency admin, OTC_OIDC_EMERGENCY_ADMIN) when given.
   */
  sso?: { emergencyAdmin?: string };
}

export interface NewUserInput {
  username: string;
  password?: string;
  role: Role;
  displayName?: string;
}

export interface SignInResult {
  user: AuthUser;
  /** The session token for the cookie. Only its SHA-256 is stored. */
  token: string;
  expiresAt: string;
}

export interface AuthService {
  readonly local: IdentityProvider;
  /** Checks the credentials with the provider, audits the attempt (success and failure), opens a session. */
  signIn(credentials: Credentials, context?: { ip?: string; provider?: IdentityProvider }): Promise<SignInResult>;
  /** The user of a live session token, or undefined (unknown, expired or disabled user). */
  userForSession(token: string): Promise<AuthUser | undefined>;
  signOut(token: string, actor?: string): Promise<void>;
  listUsers(): Promise<AuthUser[]>;
  createUser(input: NewUserInput, actor: string): Promise<AuthUser>;
  /**
   * Creates the first admin when the store has no user: with `password` (OTC_ADMIN_PASSWORD)
   * or a generated one, returned once so the caller can print it. Undefined when users exist.
   */
  ensureFirstAdmin(password?: string): Promise<{ username: string; password: string; generated: boolean } | undefined>;
  /** Removes expired sessions; returns how many. */
  purgeExpiredSessions(): Promise<number>;
  /**
   * An administrator changes a user: role, display name, disabled. The last enabled administrator
   * cannot be demoted or disabled. A disabled user's sessions end at once. Audited.
   */
  updateUser(id: string, changes: UserChanges, actor: string): Promise<AuthUser>;
  /**
   * An administrator sets a new password (generated when none is given, and returned once): the
   * user's sessions end, and with `mustChange` (the default) they choose their own at the next sign-in.
   */
  resetPassword(id: string, input: { password?: string; mustChange?: boolean }, actor: string): Promise<{ user: AuthUser; password: string; generated: boolean }>;
  /** A user changes their own password (the current one checked); clears the forced change. */
  changeOwnPassword(id: string, current: string, next: string): Promise<AuthUser>;
  /**
   * Deletes a user who never appears in the audit trail (`auditRecords` counts the records where
   * they are the actor; the caller asks the audit log): otherwise refused, disable them instead.
   */
  deleteUser(id: string, actor: string, auditRecords: (username: string) => Promise<number>): Promise<void>;
}

export interface UserChanges {
  role?: Role;
  displayName?: string | null;
  disabled?: boolean;
}

export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    authProvider: row.auth_provider,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    mustChangePassword: row.must_change_password === 1,
  };
}

export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService(opts: AuthOptions): AuthService {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());
  const ttl = opts.sessionTtlMs ?? 12 * 3600_000;
  const audit = async (e: AuditEntry) => {
    if (opts.audit) await opts.audit.append(e);
  };
  /** Refuses when no enabled administrator other than `id` would be left. */
  const ensureAnotherAdmin = async (id: string) => {
    const other = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).where('id', '<>', id).limit(1).executeTakeFirst();
    if (!other) throw lastAdmin();
  };
  // A fixed hash to verify against when the user does not exist, so timing does not tell.
  let dummyHash: Promise<string> | undefined;

  const local: IdentityProvider = {
    id: 'local',
    async authenticate(c) {
      if (c.kind !== 'password') return undefined;
      if (opts.sso && c.username !== opts.sso.emergencyAdmin) {
        // Same work as a wrong password, so the emergency admin's name does not show in timing.
        dummyHash ??= hashPassword(generatePassword());
        await verifyPassword(await dummyHash, c.password);
        return { user: undefined, details: { reason: 'local_passwords_off' } } satisfies Authenticated;
      }
      const row = await db.selectFrom('users').selectAll().where('username', '=', c.username).where('auth_provider', '=', 'local').executeTakeFirst();
      if (!row || !row.password_hash) {
        dummyHash ??= hashPassword(generatePassword());
        await verifyPassword(await dummyHash, c.password);
        return undefined;
      }
      if (!(await verifyPassword(row.password_hash, c.password))) return undefined;
      return toAuthUser(row);
    },
  };

  return {
    local,
    async signIn(credentials, context = {}) {
      const provider = context.provider ?? local;
      const who = credentials.kind === 'password' ? credentials.username : 'oidc';
      const got = await provider.authenticate(credentials);
      const { user, details } = got === undefined ? { user: undefined, details: undefined } : 'user' in got ? got : { user: got, details: undefined };
      if (!user || user.disabled) {
        const reason = user ? 'disabled' : ((details?.reason as string | undefined) ?? 'bad_credentials');
        await audit({ kind: 'sign_in', actor: user?.username ?? who, outcome: 'refused', details: { provider: provider.id, ...details, reason, ...(context.ip ? { ip: context.ip } : {}) } });
        throw credentials.kind === 'oidc' ? ssoRefused(reason) : badCredentials();
      }
      const token = randomBytes(32).toString('base64url');
      const created = now();
      const expiresAt = new Date(created.getTime() + ttl).toISOString();
      await db.insertInto('sessions').values({ id: sessionIdOf(token), user_id: user.id, created_at: created.toISOString(), expires_at: expiresAt, csrf_secret: null }).execute();
      await db.updateTable('users').set({ last_login_at: created.toISOString() }).where('id', '=', user.id).execute();
      await audit({ kind: 'sign_in', actor: user.username, outcome: 'ok', details: { provider: provider.id, role: user.role, ...details, ...(context.ip ? { ip: context.ip } : {}) } });
      return { user: { ...user, lastLoginAt: created.toISOString() }, token, expiresAt };
    },

    async userForSession(token) {
      if (!token) return undefined;
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select('sessions.expires_at as session_expires_at')
        .where('sessions.id', '=', sessionIdOf(token))
        .executeTakeFirst();
      if (!row || row.session_expires_at <= now().toISOString() || row.disabled === 1) return undefined;
      return toAuthUser(row);
    },

    async signOut(token, actor) {
      const r = await db.deleteFrom('sessions').where('id', '=', sessionIdOf(token)).executeTakeFirst();
      if (actor && Number(r.numDeletedRows) > 0) await audit({ kind: 'sign_out', actor, outcome: 'ok' });
    },

    async listUsers() {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map(toAuthUser);
    },

    async createUser(input, actor) {
      const username = input.username.trim();
      if (!USERNAME_RE.test(username)) throw badUser('A user name has 2 to 64 letters, digits, dots, dashes, underscores or @, and starts with a letter or digit.');
      if (!isRole(input.role)) throw badUser(`Unknown role "${String(input.role)}" (viewer, analyst, admin or auditor).`);
      if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) throw badUser(`A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
      const existing = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (existing) throw userExists(username);
      const row = {
        id: randomUUID(),
        username,
        display_name: input.displayName?.trim() || null,
        role: input.role,
        password_hash: input.password === undefined ? null : await hashPassword(input.password),
        auth_provider: 'local',
        external_subject: null,
        disabled: 0,
        created_at: now().toISOString(),
        last_login_at: null,
        must_change_password: 0,
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (e) {
        if (/unique|duplicate/i.test((e as Error).message)) throw userExists(username);
        throw e;
      }
      await audit({ kind: 'user_change', actor, outcome: 'ok', details: { action: 'create', username, role: input.role } });
      return toAuthUser(row as UserRow);
    },

    async ensureFirstAdmin(password) {
      const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (any) return undefined;
      const generated = password === undefined;
      const pw = password ?? generatePassword();
      try {
        await this.createUser({ username: 'admin', password: pw, role: 'admin', displayName: 'Administrator' }, 'system');
      } catch (e) {
        // Several API processes starting together on one store: one of them makes the first admin.
        if ((e as { code?: string }).code === AuthErrorCode.UserExists) return undefined;
        throw e;
      }
      return { username: 'admin', password: pw, generated };
    },

    async updateUser(id, changes, actor) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw userNotFound();
      if (changes.role !== undefined && !isRole(changes.role)) throw badUser(`Unknown role "${String(changes.role)}" (viewer, analyst, admin or auditor).`);
      const role = changes.role ?? row.role;
      const disabled = changes.disabled === undefined ? row.disabled : changes.disabled ? 1 : 0;
      if (row.role === 'admin' && row.disabled === 0 && (role !== 'admin' || disabled === 1)) await ensureAnotherAdmin(id);
      const display_name = changes.displayName === undefined ? row.display_name : changes.displayName?.trim() || null;
      await db.updateTable('users').set({ role, disabled, display_name }).where('id', '=', id).execute();
      if (disabled === 1 && row.disabled === 0) await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      const changed = {
        ...(role !== row.role ? { role: { from: row.role, to: role } } : {}),
        ...(disabled !== row.disabled ? { disabled: disabled === 1 } : {}),
        ...(display_name !== row.display_name ? { displayName: display_name } : {}),
      };
      await audit({ kind: 'user_change', actor, outcome: 'ok', details: { action: 'update', username: row.username, ...changed } });
      return toAuthUser({ ...row, role, disabled, display_name });
    },

    async resetPassword(id, input, actor) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw userNotFound();
      if (row.auth_provider !== 'local') throw badUser(`"${row.username}" signs in through the identity provider; passwords are set there.`);
      if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) throw badUser(`A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
      const generated = input.password === undefined;
      const password = input.password ?? generatePassword();
      const must = input.mustChange === false ? 0 : 1;
      await db.updateTable('users').set({ password_hash: await hashPassword(password), must_change_password: must }).where('id', '=', id).execute();
      await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await audit({ kind: 'user_change', actor, outcome: 'ok', details: { action: 'password_reset', username: row.username, mustChange: must === 1 } });
      return { user: toAuthUser({ ...row, must_change_password: must }), password, generated };
    },

    async changeOwnPassword(id, current, next) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || !row.password_hash) throw userNotFound();
      if (!(await verifyPassword(row.password_hash, current))) throw badCredentials();
      if (next.length < MIN_PASSWORD_LENGTH) throw badUser(`A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
      if (next === current) throw badUser('Choose a password other than the one an administrator gave you.');
      await db.updateTable('users').set({ password_hash: await hashPassword(next), must_change_password: 0 }).where('id', '=', id).execute();
      await audit({ kind: 'user_change', actor: row.username, outcome: 'ok', details: { action: 'password_change', username: row.username } });
      return toAuthUser({ ...row, must_change_password: 0 });
    },

    async deleteUser(id, actor, auditRecords) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw userNotFound();
      const n = await auditRecords(row.username);
      if (n > 0) throw userInAudit(row.username, n);
      if (row.role === 'admin' && row.disabled === 0) await ensureAnotherAdmin(id);
      await db.deleteFrom('users').where('id', '=', id).execute();
      await audit({ kind: 'user_change', actor, outcome: 'ok', details: { action: 'delete', username: row.username } });
    },

    async purgeExpiredSessions() {
      const r = await db.deleteFrom('sessions').where('expires_at', '<=', now().toISOString()).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
