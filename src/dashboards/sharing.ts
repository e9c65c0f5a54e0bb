/**
 * Sharing with named users: who a dashboard can be shared with (the enabled users of the app
 * store, with their display names and roles, for the share dialog), and the check that every
 * name a dashboard is shared with is a user (a typo would otherwise share with nobody, silently).
 */
import type { Store } from '../store/index.js';
import { invalidDashboard } from './errors.js';
import type { Sharing } from './types.js';

export interface ShareCandidate {
  username: string;
  displayName: string | null;
  role: string;
}

/** Enabled users, by user name. */
export async function shareCandidates(store: Store): Promise<ShareCandidate[]> {
  const rows = await store.db.selectFrom('users').select(['username', 'display_name', 'role', 'disabled']).orderBy('username').execute();
  return rows.filter((r) => Number(r.disabled) !== 1).map((r) => ({ username: r.username, displayName: r.display_name, role: r.role }));
}

/** The role of a user, or undefined when there is no such enabled user. */
export async function roleOf(store: Store, username: string): Promise<string | undefined> {
  const r = await store.db.selectFrom('users').select(['role', 'disabled']).where('username', '=', username).executeTakeFirst();
  return r && Number(r.disabled) !== 1 ? r.role : undefined;
}

/** Throws a 400 naming the users that do not exist; names shared already (a user since removed) may stay. */
export async function checkShareUsers(store: Store, next: Sharing, before: Sharing): Promise<void> {
  const added = next.users.filter((u) => !before.users.includes(u));
  if (!added.length) return;
  const known = new Set((await store.db.selectFrom('users').select('username').where('username', 'in', added).execute()).map((r) => r.username));
  const unknown = added.filter((u) => !known.has(u));
  if (unknown.length) throw invalidDashboard(`no user named ${unknown.map((u) => `"${u}"`).join(', ')} (a user who signs in through the identity provider is known after their first sign-in)`);
}
