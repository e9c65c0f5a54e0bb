/**
 * Report templates: saved questions with per-question options (columns, sort, row limit), a title,
 * an intro, the formats, the delivery targets, an optional data-readiness check, and the four-eyes
 * state. Recipients are checked against the domain allow-list when the template is written; a
 * template with a recipient outside the internal domains waits for a second admin's approval.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import { OtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { ReportTemplatesTable } from '../store/schema.js';
import { CHANNEL_NAMES, emailRecipients, type DeliveryTarget } from './channels/index.js';
import { checkDashboardContent, type DashboardContent, type DashboardReports } from './dashboard-content.js';
import { ReportErrorCode, templateNotFound } from './errors.js';
import { REPORT_FORMATS, type ReportFormat } from './render/index.js';
import { getSaved } from './saved.js';

export interface TemplateItem {
  savedId: string;
  /** Heading of this question in the files (default: the saved question's title). */
  title?: string;
  /** Columns to keep, in this order (default: all). */
  columns?: string[];
  sort?: { column: string; direction: 'asc' | 'desc' };
  /** Rows at most (default: the report row cap). */
  rowLimit?: number;
}

export interface Readiness {
  /** A read-only query whose first cell must be true (1, 'true', 't', 'yes') when the data is ready. */
  sql: string;
  /** Minutes after the run's start after which the run fails as not ready. */
  cutoffMinutes: number;
}

export type Approval = 'not_needed' | 'pending' | 'approved';

export interface ReportTemplate {
  id: string;
  owner: string;
  title: string;
  intro: string | null;
  items: TemplateItem[];
  formats: ReportFormat[];
  targets: DeliveryTarget[];
  readiness: Readiness | null;
  approval: Approval;
  approvedBy: string | null;
  paused: boolean;
  /** Where the owner is told that a run failed (null: the audit trail and the Reports page only). */
  notify: DeliveryTarget | null;
  /** A dashboard sent as PDF and/or PNG (its widgets refreshed at each run), besides or instead of the saved questions. */
  dashboard: DashboardContent | null;
  createdAt: string;
  updatedAt: string;
}

/** Channels that can carry an owner's notice (a message without files). */
export const NOTICE_CHANNELS = ['email', 'slack', 'teams', 'webhook'] as const;

export interface TemplateInput {
  title: string;
  intro?: string;
  items: TemplateItem[];
  formats: ReportFormat[];
  targets: DeliveryTarget[];
  readiness?: Readiness;
  /** Where the owner is told that a run failed: e-mail, Slack, Teams or webhook. */
  notify?: DeliveryTarget;
  /** A dashboard as (part of) the content: the template's owner must be allowed to see it. */
  dashboard?: DashboardContent;
}

/** Recipient governance from configuration. */
export interface Governance {
  /** Domains recipients may be in at all (empty: any domain). */
  allowedDomains: string[];
  /** The bank's own domains: a recipient elsewhere is external and needs a second admin's approval. */
  internalDomains: string[];
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The recipients outside the internal domains; throws OTC_ERR_RECIPIENT_NOT_ALLOWED for one outside the allow-list. */
export function checkRecipients(targets: DeliveryTarget[], g: Governance): { external: string[] } {
  const all = targets.flatMap(emailRecipients);
  const allowed = g.allowedDomains.map((d) => d.toLowerCase());
  const refused = all.filter((a) => allowed.length > 0 && !allowed.includes(domainOf(a)));
  if (refused.length) throw new OtcError(ReportErrorCode.RecipientNotAllowed, `Recipients outside the allowed domains: ${refused.join(', ')}.`, { status: 422, hint: `allowed domains: ${allowed.join(', ')} (OTC_REPORT_ALLOWED_DOMAINS)` });
  const internal = g.internalDomains.map((d) => d.toLowerCase());
  return { external: all.filter((a) => !internal.includes(domainOf(a))) };
}

function toTemplate(r: ReportTemplatesTable): ReportTemplate {
  const readiness = r.readiness_sql ? { sql: r.readiness_sql, cutoffMinutes: r.readiness_cutoff_minutes ?? 60 } : null;
  return {
    id: r.id,
    owner: r.owner,
    title: r.title,
    intro: r.intro,
    items: JSON.parse(r.items_json) as TemplateItem[],
    formats: JSON.parse(r.formats_json) as ReportFormat[],
    targets: JSON.parse(r.targets_json) as DeliveryTarget[],
    readiness,
    approval: r.approval as Approval,
    approvedBy: r.approved_by,
    paused: Number(r.paused) === 1,
    notify: r.notify_json ? (JSON.parse(r.notify_json) as DeliveryTarget) : null,
    dashboard: r.dashboard_json ? (JSON.parse(r.dashboard_json) as DashboardContent) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function validate(store: Store, input: TemplateInput, owner: string, dashboards?: DashboardReports): Promise<void> {
  const bad = (m: string) => new OtcError('OTC_ERR_BAD_REPORT_TEMPLATE', m, { status: 400 });
  if (!input.items.length && !input.dashboard) throw bad('A report needs at least one saved question or a dashboard.');
  if (input.items.length && !input.formats.length) throw bad(`The saved questions of a report need one or more formats: ${REPORT_FORMATS.join(', ')}.`);
  if (input.formats.some((f) => !REPORT_FORMATS.includes(f))) throw bad(`Formats are one or more of ${REPORT_FORMATS.join(', ')}.`);
  if (input.dashboard) await checkDashboardContent(dashboards, input.dashboard, owner);
  for (const t of input.targets) if (!CHANNEL_NAMES.includes(t.channel)) throw bad(`Unknown channel ${String((t as { channel: unknown }).channel)}.`);
  if (input.notify && !(NOTICE_CHANNELS as readonly string[]).includes(input.notify.channel)) throw bad(`The owner is told by ${NOTICE_CHANNELS.join(', ')}, not ${input.notify.channel}.`);
  for (const it of input.items) await getSaved(store, it.savedId);
}

export async function createTemplate(store: Store, audit: AuditLog, input: TemplateInput, owner: string, g: Governance, dashboards?: DashboardReports): Promise<ReportTemplate> {
  await validate(store, input, owner, dashboards);
  const { external } = checkRecipients(input.notify ? [...input.targets, input.notify] : input.targets, g);
  const now = new Date().toISOString();
  const row: ReportTemplatesTable = {
    id: randomUUID(),
    owner,
    title: input.title,
    intro: input.intro ?? null,
    items_json: JSON.stringify(input.items),
    formats_json: JSON.stringify(input.formats),
    targets_json: JSON.stringify(input.targets),
    readiness_sql: input.readiness?.sql ?? null,
    readiness_cutoff_minutes: input.readiness?.cutoffMinutes ?? null,
    approval: external.length ? 'pending' : 'not_needed',
    approved_by: null,
    paused: 0,
    created_at: now,
    updated_at: now,
    notify_json: input.notify ? JSON.stringify(input.notify) : null,
    dashboard_json: input.dashboard ? JSON.stringify({ dashboardId: input.dashboard.dashboardId, formats: [...new Set(input.dashboard.formats)] }) : null,
  };
  await store.db.insertInto('report_templates').values(row).execute();
  await audit.append({ kind: 'report_run', actor: owner, outcome: 'ok', details: { action: 'create_template', templateId: row.id, title: row.title, external, approval: row.approval, channels: input.targets.map((t) => t.channel), ...(input.notify ? { notify: input.notify.channel } : {}), ...(input.dashboard ? { dashboard: input.dashboard } : {}) } });
  return toTemplate(row);
}

export async function getTemplate(store: Store, id: string): Promise<ReportTemplate> {
  const r = await store.db.selectFrom('report_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw templateNotFound(id);
  return toTemplate(r);
}

export async function listTemplates(store: Store, owner?: string): Promise<ReportTemplate[]> {
  let q = store.db.selectFrom('report_templates').selectAll().orderBy('created_at', 'desc');
  if (owner !== undefined) q = q.where('owner', '=', owner);
  return (await q.execute()).map(toTemplate);
}

/** Four eyes: an admin other than the template's owner approves its external recipients. */
export async function approveTemplate(store: Store, audit: AuditLog, id: string, approver: { username: string; role: string }): Promise<ReportTemplate> {
  const t = await getTemplate(store, id);
  if (approver.role !== 'admin') throw new OtcError('OTC_ERR_FORBIDDEN', 'Only an admin approves external recipients.', { status: 403 });
  if (approver.username === t.owner) throw new OtcError(ReportErrorCode.SelfApproval, 'A second admin must approve: the owner of a report cannot approve its own external recipients.', { status: 403 });
  if (t.approval !== 'pending') return t;
  await store.db.updateTable('report_templates').set({ approval: 'approved', approved_by: approver.username, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
  await audit.append({ kind: 'report_run', actor: approver.username, outcome: 'ok', details: { action: 'approve_template', templateId: id, owner: t.owner } });
  return getTemplate(store, id);
}

export async function setPaused(store: Store, audit: AuditLog, id: string, paused: boolean, actor: string): Promise<ReportTemplate> {
  await getTemplate(store, id);
  await store.db.updateTable('report_templates').set({ paused: paused ? 1 : 0, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
  await audit.append({ kind: 'report_run', actor, outcome: 'ok', details: { action: paused ? 'pause_template' : 'resume_template', templateId: id } });
  return getTemplate(store, id);
}
