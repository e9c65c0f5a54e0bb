import type { AskAnswer, ChoiceOption, ChoicePick } from '../../nl2sql/types.js';
import type { ExampleCheck, SchemaDrift, SectionDiff, ValidationIssue, ValidationReport, VersionDiff } from '../../training/lifecycle/report-types.js';
import type { RunView, ScheduleOverviewOf, ScheduleViewOf } from '../../scheduler/views.js';
import type { AuthUser } from '../../auth/identity.js';
import type { Role } from '../../auth/roles.js';
import type { SavedQuestionView } from '../../reports/saved.js';
import type { ThreadSummary, ThreadTurn } from '../../threads/index.js';
import type { TrainingStatus } from '../../store/schema.js';
import type { FeedbackCandidate } from '../../training/lifecycle/feedback.js';
import type { TrainingVersion, TrainingVersionSummary } from '../../training/lifecycle/types.js';

export type { AskAnswer, ExampleCheck, SchemaDrift, SectionDiff, ValidationIssue, ValidationReport, VersionDiff };
export type { ChoiceOption, ChoicePick };
/** An answer of /api/ask: the thread it was kept in. */
export type ThreadAnswer = AskAnswer & { threadId?: string };
/** The threads API's types are the server's (src/threads); a turn's typed query and pick are not shown here. */
export type { ThreadSummary };
export type ThreadTurnView = Omit<ThreadTurn, 'query' | 'choice'>;
export interface ThreadView extends ThreadSummary {
  items: ThreadTurnView[];
}
/** Users as the server shows them (src/auth/identity.ts). */
export type { Role };
export type User = AuthUser;
export interface Me {
  user: User;
  permissions: string[];
  csrfToken: string;
}
export interface Meta {
  datasource: string;
  dialect: string;
  profile: string | null;
  profileDescription?: string;
  /** Label of what answers, e.g. "otc-ops v2"; null when nothing is trained. */
  trainingVersion: string | null;
  trainingVersionId?: string | null;
  /** false: asking is refused (OTC_ERR_NOT_TRAINED); notTrained says why and what to do. */
  trained: boolean;
  /** true when a stored, validated training version answers. */
  validated: boolean;
  notTrained?: { code: string; message: string };
  trainedAt?: string;
  dataAsOf: string;
  maxRows?: number;
  examples: string[];
}
export interface AuditRecord {
  id: string;
  seq: number;
  ts: string;
  kind: string;
  actor: string;
  outcome: string;
  question?: string;
  sql?: string;
  engine?: string;
  durationMs?: number;
  rowCount?: number;
  correlationId?: string;
  details?: Record<string, unknown>;
  resultHash?: string;
  prevHash?: string;
  hash: string;
}
export interface VerifyResult {
  ok: boolean;
  count: number;
  headSeq?: number;
  headHash?: string;
  brokenAt?: Record<string, unknown>;
  /** The last signed checkpoint the server could check (absent: the chain is not authenticated yet). */
  lastCheckpoint?: { seq: number; hash: string; ts: string; keyId: string; source: string };
  unsignedAfter?: number;
  prunedThrough?: number;
}
export interface AuditQuery {
  text?: string;
  kind?: string;
  actor?: string;
  outcome?: string;
  datasource?: string;
  correlationId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

/** Training versions as the server shows them (src/training/lifecycle/types.ts). */
export type { TrainingStatus, TrainingVersionSummary };
export type TrainingVersionFull = TrainingVersion;
export interface TrainingExample {
  question: string;
  sql: string;
  /** The day the question was asked (its dates belong to that day). */
  asOf?: string;
}
export interface TrainingDocument {
  name: string;
  text: string;
}
/** Feedback waiting to become examples, as the server lists it (src/training/lifecycle/feedback.ts). */
export type { FeedbackCandidate };

/** The schedule API's types are the server's (src/scheduler/views.ts); the spec seen loosely. */
type SpecView = { kind: string; timeZone: string } & Record<string, unknown>;
export type ScheduleView = ScheduleViewOf<SpecView>;
export type ScheduleOverview = ScheduleOverviewOf<SpecView>;
export type { RunView };

/** An API error with its stable code, as the server sends it. */
/** A saved question as GET /api/saved shows it (src/reports/saved.ts). */
export type SavedQuestion = SavedQuestionView;

export interface ReportTemplate {
  id: string;
  owner: string;
  title: string;
  intro: string | null;
  items: { savedId: string }[];
  formats: string[];
  targets: { channel: string; to?: string[]; channelId?: string; folder?: string; url?: string; label?: string }[];
  approval: 'not_needed' | 'pending' | 'approved';
  approvedBy: string | null;
  paused: boolean;
  notify: { channel: string; to?: string[] } | null;
  /** A dashboard sent as PDF and/or PNG (its widgets refreshed at each run). */
  dashboard?: { dashboardId: string; formats: string[] } | null;
  createdAt: string;
}

export interface ReportRun {
  id: string;
  templateId: string;
  status: string;
  asOf: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  files: { name: string; format: string; bytes: number; sha256: string; rows: number }[];
  deliveries: { channel: string; status: string; attempts: number; recipients: string[]; error: string | null }[];
}

export const reportFileUrl = (runId: string, name: string) => `/api/reports/runs/${encodeURIComponent(runId)}/files/${encodeURIComponent(name)}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fired when the server says the session is gone (expired, signed out elsewhere). */
export const SIGNED_OUT_EVENT = 'otc:signed-out';

let csrfToken: string | undefined;
export function setCsrfToken(t: string | undefined): void {
  csrfToken = t;
}

async function fetchCsrf(): Promise<string> {
  const r = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  const body = (await r.json()) as { csrfToken: string };
  csrfToken = body.csrfToken;
  return csrfToken;
}

export async function request<T>(method: string, path: string, body?: unknown, retry = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['x-csrf-token'] = csrfToken ?? (await fetchCsrf());
    if (body !== undefined) headers['content-type'] = 'application/json';
  }
  const r = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!r.ok) {
    const e = (data ?? {}) as { code?: string; message?: string };
    if (r.status === 403 && e.code === 'OTC_ERR_CSRF' && retry) {
      await fetchCsrf();
      return request<T>(method, path, body, false);
    }
    if (r.status === 401 && path !== '/api/auth/login' && path !== '/api/auth/me') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw new ApiError(r.status, e.code ?? 'OTC_ERR_HTTP', e.message ?? `The server answered ${r.status}.`);
  }
  return data as T;
}

export const api = {
  me: () => request<Me>('GET', '/api/auth/me'),
  login: (username: string, password: string) => request<Me>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  /** How one signs in here (passwords, single sign-on). */
  providers: () => request<{ passwords: 'all' | 'emergency_admin_only' | 'off'; sso: boolean; ssoLoginUrl?: string }>('GET', '/api/auth/providers'),
  /** Ends the session of a single sign-on user; the identity provider's sign-out URL to go to next. */
  ssoLogout: () => request<{ endSessionUrl: string | null }>('POST', '/api/auth/oidc/logout'),
  meta: () => request<Meta>('GET', '/api/meta'),
  /** A question; in a thread it is a follow-up of the thread's last answer; `choice` answers a "which one?". */
  ask: (question: string, o: { threadId?: string; choice?: ChoicePick } = {}) => request<ThreadAnswer>('POST', '/api/ask', { question, ...(o.threadId ? { threadId: o.threadId } : {}), ...(o.choice ? { choice: o.choice } : {}) }),
  threads: {
    list: (q = '') => request<ThreadSummary[]>('GET', `/api/threads${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ''}`),
    get: (id: string) => request<ThreadView>('GET', `/api/threads/${encodeURIComponent(id)}`),
    rerun: (id: string) => request<AskAnswer[]>('POST', `/api/threads/${encodeURIComponent(id)}/rerun`),
  },
  feedback: (auditId: string, verdict: 'up' | 'down', correctedSql?: string) =>
    request<{ id: string }>('POST', '/api/feedback', { auditId, verdict, ...(correctedSql ? { correctedSql } : {}) }),
  audit: (q: AuditQuery) => {
    const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    return request<{ records: AuditRecord[]; nextBefore?: number }>('GET', `/api/audit?${params}`);
  },
  auditRecord: (seq: number) => request<{ record: AuditRecord; linked: AuditRecord[] }>('GET', `/api/audit/records/${seq}`),
  auditStatus: () => request<{ lastVerification: { at: string; result: VerifyResult } | null }>('GET', '/api/audit/status'),
  verifyAudit: () => request<VerifyResult>('GET', '/api/audit/verify'),
  users: () => request<{ users: User[] }>('GET', '/api/users'),
  training: {
    versions: () => request<{ datasource: string; versions: TrainingVersionSummary[] }>('GET', '/api/training/versions'),
    version: (id: string) => request<TrainingVersionFull>('GET', `/api/training/versions/${encodeURIComponent(id)}`),
    validate: (id: string, body: { today?: string; reason?: string }) =>
      request<{ version: TrainingVersionSummary; report: ValidationReport }>('POST', `/api/training/versions/${encodeURIComponent(id)}/validate`, body),
    activate: (id: string, reason: string) => request<TrainingVersionSummary>('POST', `/api/training/versions/${encodeURIComponent(id)}/activate`, { reason }),
    rollback: (versionId: string, reason: string) => request<TrainingVersionSummary>('POST', '/api/training/rollback', { versionId, reason }),
    diff: (from: string, to: string) => request<{ diff: VersionDiff; text: string }>('GET', `/api/training/diff?${new URLSearchParams({ from, to })}`),
    drift: () => request<{ version: TrainingVersionSummary; drift: SchemaDrift }>('GET', '/api/training/drift'),
    candidates: () => request<{ candidates: FeedbackCandidate[] }>('GET', '/api/training/feedback/candidates'),
    dismiss: (id: string, reason?: string) => request<void>('POST', `/api/training/feedback/candidates/${encodeURIComponent(id)}/dismiss`, reason ? { reason } : {}),
    deleteVersion: (id: string) => request<{ deleted: number }>('DELETE', `/api/training/versions/${encodeURIComponent(id)}`),
    content: async (id: string) => {
      const b = await request<{ profile: { examples: TrainingExample[]; documents: TrainingDocument[] } }>('GET', `/api/training/versions/${encodeURIComponent(id)}/export`);
      return { examples: b.profile.examples ?? [], documents: b.profile.documents ?? [] };
    },
    editContent: (id: string, edit: { examples?: TrainingExample[]; documents?: TrainingDocument[]; reason?: string }) =>
      request<{ created: boolean; version: TrainingVersionSummary }>('POST', `/api/training/versions/${encodeURIComponent(id)}/content`, edit),
    promote: (ids: string[], reason?: string) =>
      request<{ created: boolean; promoted: number; version: TrainingVersionSummary }>('POST', '/api/training/feedback/promote', { ids, ...(reason ? { reason } : {}) }),
  },
  saved: {
    list: () => request<SavedQuestion[]>('GET', '/api/saved'),
    save: (auditId: string, body: { title?: string; chart?: Record<string, unknown> } = {}) => request<SavedQuestion>('POST', '/api/saved', { auditId, ...body }),
    run: (id: string, asOf?: string) => request<{ answer: AskAnswer; rerun: { from: string; versionChanged: boolean; sqlChanged?: boolean } }>('POST', `/api/saved/${encodeURIComponent(id)}/run`, asOf ? { asOf } : {}),
    remove: (id: string) => request<void>('DELETE', `/api/saved/${encodeURIComponent(id)}`),
  },
  reports: {
    templates: () => request<ReportTemplate[]>('GET', '/api/reports/templates'),
    create: (t: { title: string; intro?: string; items: { savedId: string }[]; formats: string[]; targets: unknown[]; notify?: { channel: 'email'; to: string[] }; dashboard?: { dashboardId: string; formats: string[] } }) => request<ReportTemplate>('POST', '/api/reports/templates', t),
    run: (id: string) => request<ReportRun>('POST', `/api/reports/templates/${encodeURIComponent(id)}/run`, {}),
    pause: (id: string, paused: boolean) => request<ReportTemplate>('POST', `/api/reports/templates/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`),
    approve: (id: string) => request<ReportTemplate>('POST', `/api/reports/templates/${encodeURIComponent(id)}/approve`),
    runs: (q: { templateId?: string; status?: string; from?: string; to?: string }) => {
      const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v));
      return request<ReportRun[]>('GET', `/api/reports/runs?${params}`);
    },
  },
  createUser: (u: { username: string; password: string; role: Role; displayName?: string }) => request<User>('POST', '/api/users', u),
  updateUser: (id: string, changes: { role?: Role; displayName?: string | null; disabled?: boolean }) => request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, changes),
  resetPassword: (id: string, body: { password?: string; mustChange?: boolean } = {}) =>
    request<{ user: User; generated: boolean; password?: string }>('POST', `/api/users/${encodeURIComponent(id)}/password`, body),
  deleteUser: (id: string) => request<void>('DELETE', `/api/users/${encodeURIComponent(id)}`),
  changePassword: (currentPassword: string, newPassword: string) => request<Me>('POST', '/api/auth/password', { currentPassword, newPassword }),
  schedules: {
    list: () => request<{ schedules: ScheduleOverview[]; health: { backend: string; ok: boolean; error?: string; since?: string }; calendars: string[] }>('GET', '/api/schedules'),
    create: (body: { name: string; handler: string; spec: Record<string, unknown>; catchUp: string; payload?: Record<string, unknown> }) => request<ScheduleOverview>('POST', '/api/schedules', body),
    runs: (id: string) => request<{ runs: RunView[] }>('GET', `/api/schedules/${encodeURIComponent(id)}/runs?limit=50`),
    action: (id: string, action: 'pause' | 'resume' | 'run') => request<unknown>('POST', `/api/schedules/${encodeURIComponent(id)}/${action}`),
  },
};

export const exportUrl = (auditId: string, format: 'csv' | 'xlsx') => `/api/ask/${encodeURIComponent(auditId)}/export.${format}`;
