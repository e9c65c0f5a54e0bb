/** The four roles of the product. */
export const ROLES = ['viewer', 'analyst', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a route can require. */
export const PERMISSIONS = [
  'ask', // ask questions, download answers, give feedback
  'view', // see the datasource, dashboards and reports shared with the user
  'save_widgets',
  'save_reports',
  'manage_training',
  'manage_users',
  'manage_datasources',
  'read_audit',
  'export_audit',
  'manage_schedules',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The permission table. viewer: ask and view; analyst: plus saving widgets and reports;
 * admin: plus training, users and datasources (and reading the audit trail); auditor: reads
 * and exports the audit trail only, and cannot ask.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['ask', 'view'],
  analyst: ['ask', 'view', 'save_widgets', 'save_reports'],
  admin: ['ask', 'view', 'save_widgets', 'save_reports', 'manage_training', 'manage_users', 'manage_datasources', 'read_audit', 'export_audit', 'manage_schedules'],
  auditor: ['read_audit', 'export_audit'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
