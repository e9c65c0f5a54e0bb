/** Who sees and who changes a dashboard: admins all; its owner; others only what is shared with their role or name. */
import type { Dashboard } from './types.js';

export interface Viewer {
  username: string;
  role: string;
}

export function maySee(d: Dashboard, u: Viewer): boolean {
  return u.role === 'admin' || d.owner === u.username || d.sharing.roles.includes(u.role as never) || d.sharing.users.includes(u.username);
}

/** Editing needs the save_widgets permission (checked by the route) and ownership, or admin. */
export function mayEdit(d: Dashboard, u: Viewer): boolean {
  return u.role === 'admin' || d.owner === u.username;
}
