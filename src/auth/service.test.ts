import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../audit/index.js';
import { openStore, type Store } from '../store/index.js';
import { can, createAuthService, ROLE_PERMISSIONS, type AuthService } from './index.js';

let dir: string;
let store: Store;
let audit: AuditLog;
let auth: AuthService;
let clock: Date;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-auth-'));
  store = await openStore(`sqlite:${join(dir, 'app.db')}`);
  audit = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
  clock = new Date('2026-11-20T10:00:00Z');
  auth = createAuthService({ db: store.db, audit, now: () => clock, sessionTtlMs: 3600_000 });
});
afterEach(async () => {
  await store.close();
  await audit.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auth service', () => {
  it('creates the first admin once, with a generated password that signs in', async () => {
    const first = await auth.ensureFirstAdmin();
    expect(first?.generated).toBe(true);
    expect(first!.password.length).toBeGreaterThanOrEqual(20);
    expect(await auth.ensureFirstAdmin()).toBeUndefined();
    const s = await auth.signIn({ kind: 'password', username: 'admin', password: first!.password });
    expect(s.user.role).toBe('admin');
    expect(JSON.stringify(s.user)).not.toMatch(/argon2/);
    expect((await auth.userForSession(s.token))?.username).toBe('admin');
  });

  it('stores only the hash of the session token and expires sessions', async () => {
    await auth.createUser({ username: 'vera', password: 'correct horse battery', role: 'viewer' }, 'test');
    const s = await auth.signIn({ kind: 'password', username: 'vera', password: 'correct horse battery' });
    const rows = await store.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(s.token);
    clock = new Date(clock.getTime() + 3600_001);
    expect(await auth.userForSession(s.token)).toBeUndefined();
    expect(await auth.purgeExpiredSessions()).toBe(1);
  });

  it('refuses a wrong password and audits both outcomes', async () => {
    await auth.createUser({ username: 'ann', password: 'a-long-password-1', role: 'analyst' }, 'test');
    await expect(auth.signIn({ kind: 'password', username: 'ann', password: 'nope-nope-nope' })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_CREDENTIALS', status: 401 });
    await expect(auth.signIn({ kind: 'password', username: 'ghost', password: 'whatever-it-is' })).rejects.toMatchObject({ code: 'OTC_ERR_BAD_CREDENTIALS' });
    await auth.signIn({ kind: 'password', username: 'ann', password: 'a-long-password-1' });
    const records = await audit.search({ kind: 'sign_in' });
    expect(records.map((r) => r.outcome).sort()).toEqual(['ok', 'refused', 'refused']);
  });

  it('signs out and refuses duplicate or malformed users', async () => {
    await auth.createUser({ username: 'olga', password: 'another-long-one', role: 'auditor' }, 'test');
    await expect(auth.createUser({ username: 'olga', password: 'another-long-one', role: 'viewer' }, 'test')).rejects.toMatchObject({ code: 'OTC_ERR_USER_EXISTS' });
    await expect(auth.createUser({ username: 'x y', password: 'another-long-one', role: 'viewer' }, 'test')).rejects.toMatchObject({ code: 'OTC_ERR_BAD_USER' });
    await expect(auth.createUser({ username: 'shorty', password: 'short', role: 'viewer' }, 'test')).rejects.toMatchObject({ code: 'OTC_ERR_BAD_USER' });
    const s = await auth.signIn({ kind: 'password', username: 'olga', password: 'another-long-one' });
    await auth.signOut(s.token, 'olga');
    expect(await auth.userForSession(s.token)).toBeUndefined();
  });

  it('has the permission table of the four roles', () => {
    expect(can('viewer', 'ask')).toBe(true);
    expect(can('viewer', 'save_widgets')).toBe(false);
    expect(can('analyst', 'save_reports')).toBe(true);
    expect(can('admin', 'manage_users')).toBe(true);
    expect(can('auditor', 'ask')).toBe(false);
    expect(ROLE_PERMISSIONS.auditor).toEqual(['read_audit', 'export_audit']);
  });
});
