import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Kysely table types of the application store. Portable column types only: text, integer;
 * timestamps are ISO-8601 UTC text (`new Date().toISOString()`), booleans are integers 0/1,
 * JSON is text. The same code runs on SQLite and PostgreSQL.
 */
export type UserRole = 'viewer' | 'analyst' | 'admin' | 'auditor';
export type TrainingStatus = 'draft' | 'validated' | 'active' | 'retired';
export type FeedbackVerdict = 'up' | 'down';
export type FeedbackStatus = 'candidate' | 'promoted' | 'dismissed';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string | null;
  role: UserRole;
  /** argon2 hash; null for users who sign in only through an identity provider. */
  password_hash: string | null;
  auth_provider: Generated<string>; // 'local' | 'oidc:<issuer>'…
  external_subject: string | null;
  disabled: Generated<number>; // 0 | 1
  created_at: string;
  last_login_at: string | null;
  /** 1: an administrator set the password; the user must choose their own at the next sign-in (migration 007). */
  must_change_password: Generated<number>;
}

export interface SessionsTable {
  /** SHA-256 of the random session token: the token itself is never stored. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  csrf_secret: string | null;
}

export interface AppMetaTable {
  key: string;
  value: string;
}

export interface TrainingVersionsTable {
  id: string;
  datasource: string;
  version: number;
  content_hash: string;
  status: TrainingStatus;
  /** The whole training profile as JSON. */
  profile_json: string;
  validation_json: string | null;
  created_by: string;
  created_at: string;
  note: string | null;
  parent_version_id: string | null;
  /** 002: the trained model (snapshot, joins, value index) as JSON. */
  trained_model_json: string | null;
}

export interface TrainingActivationsTable {
  id: string;
  datasource: string;
  version_id: string;
  activated_by: string;
  activated_at: string;
  reason: string | null;
}

export interface FeedbackTable {
  id: string;
  question: string;
  sql: string | null;
  corrected_sql: string | null;
  verdict: FeedbackVerdict;
  user_id: string | null;
  /** id of the audit record of the answer (the audit log is a separate database: no FK). */
  audit_id: string | null;
  training_version_id: string | null;
  status: Generated<FeedbackStatus>;
  created_at: string;
  /** The day the question was asked (its relative dates belong to it; migration 007). */
  as_of: string | null;
}

/** 002: retrieval chunks of a training version's documents. */
export interface TrainingChunksTable {
  id: string;
  version_id: string;
  document: string;
  seq: number;
  heading: string | null;
  text: string;
}

/** 002: every training change: who, when, why. */
export interface TrainingEventsTable {
  id: string;
  datasource: string;
  version_id: string | null;
  action: string;
  actor: string;
  at: string;
  reason: string | null;
  details_json: string | null;
}

/** 003: a schedule (see src/scheduler). */
export interface SchedulesTable {
  id: string;
  name: string;
  /** The kind of run; a handler registered under it does the work. */
  handler: string;
  payload_json: string;
  spec_json: string;
  catch_up: 'skip' | 'latest' | 'all';
  timeout_ms: number;
  max_attempts: number;
  state: 'active' | 'paused';
  /** The next fire not yet turned into a slot (ISO UTC); null when paused or never again. */
  next_fire_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export type SlotState = 'pending' | 'running' | 'succeeded' | 'failed';

/** 003: one fire of a schedule; unique (schedule_id, scheduled_at). */
export interface ScheduleSlotsTable {
  id: string;
  schedule_id: string;
  scheduled_at: string;
  reason: 'schedule' | 'catch_up' | 'manual';
  state: SlotState;
  /** Fencing token: incremented by every claim; only its holder may finish the run. */
  fence: Generated<number>;
  attempts: Generated<number>;
  max_attempts: number;
  timeout_ms: number;
  worker: string | null;
  claimed_at: string | null;
  lease_until: string | null;
  finished_at: string | null;
  error: string | null;
  created_at: string;
}

/** 003: a bank's own holiday list (custom:NAME). */
export interface BusinessCalendarsTable {
  name: string;
  dates_json: string;
  updated_by: string;
  updated_at: string;
}

/** 004: an answer kept to run again: its question, SQL, typed query, training version, chart, parameters. */
export interface SavedQuestionsTable {
  id: string;
  owner: string;
  title: string;
  question: string;
  /** The as-of date the question was asked at ('YYYY-MM-DD'). */
  as_of: string | null;
  /** The SQL the engine generated (before the guard wrote the row cap in). */
  sql: string | null;
  /** The semantic engine's typed query, JSON; null for SQL from the language model. */
  query_json: string | null;
  engine: string;
  explanation: string | null;
  training_version: string | null;
  chart_json: string | null;
  parameters_json: string | null;
  audit_id: string | null;
  created_at: string;
  updated_at: string;
}

/** 004: a report template: saved questions with per-question options, formats, targets, governance. */
export interface ReportTemplatesTable {
  id: string;
  owner: string;
  title: string;
  intro: string | null;
  items_json: string;
  formats_json: string;
  targets_json: string;
  readiness_sql: string | null;
  readiness_cutoff_minutes: number | null;
  /** 'not_needed' | 'pending' | 'approved' (four eyes when a recipient is external). */
  approval: string;
  approved_by: string | null;
  paused: number;
  created_at: string;
  updated_at: string;
  /** 008: the owner's notification target of a failed run (JSON DeliveryTarget), or null. */
  notify_json: string | null;
  /** 009: a dashboard as the report's content ({ dashboardId, formats }), or null. */
  dashboard_json: string | null;
}

/** 004: one report run per idempotency key. */
export interface ReportRunsTable {
  id: string;
  template_id: string;
  idempotency_key: string;
  actor: string;
  /** 'rendering' | 'rendered' | 'delivering' | 'completed' | 'partial' | 'failed' */
  status: string;
  as_of: string;
  started_at: string;
  rendered_at: string | null;
  finished_at: string | null;
  error: string | null;
  files_json: string | null;
  questions_json: string | null;
}

/** 004: one delivery per (run, target), with its receipt. */
export interface ReportDeliveriesTable {
  id: string;
  run_id: string;
  target_key: string;
  channel: string;
  /** 'pending' | 'started' | 'delivered' | 'failed' */
  status: string;
  attempts: Generated<number>;
  recipients_json: string | null;
  receipt_json: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** 006: a dashboard: a grid of widgets, its filters and whom it is shared with. */
export interface DashboardsTable {
  id: string;
  name: string;
  owner: string;
  /** [{ i: widget id, x, y, w, h }] in grid units. */
  layout_json: string;
  /** { from?, to?, counterparty?, desk?, currency? } */
  filters_json: string;
  shared_roles_json: string;
  shared_users_json: string;
  created_at: string;
  updated_at: string;
}

/** 006: a widget: a saved question drawn as a chart, its refresh policy and its cached last good result. */
export interface DashboardWidgetsTable {
  id: string;
  dashboard_id: string;
  saved_id: string;
  title: string;
  chart_json: string;
  refresh_json: string;
  /** The scheduler's schedule of an every-N-minutes or daily widget. */
  schedule_id: string | null;
  /** The last good result { columns, rows, rowCount, truncated, trend? }. */
  result_json: string | null;
  /** When the last good result was read from the datasource (ISO). */
  data_as_of: string | null;
  result_sql: string | null;
  /** The training version that answered the last good result. */
  result_version: string | null;
  last_error: string | null;
  last_error_code: string | null;
  last_error_at: string | null;
  last_refresh_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** 005: a conversation on the Ask page, owned by a user. */
export interface ThreadsTable {
  id: string;
  owner: string;
  title: string;
  turns: number;
  created_at: string;
  updated_at: string;
}

/** 005: one question of a thread, in order, with what answered it and the audit ids that link it. */
export interface ThreadTurnsTable {
  thread_id: string;
  seq: number;
  question: string;
  as_of: string;
  status: string;
  engine: string | null;
  explanation: string | null;
  sql: string | null;
  query_json: string | null;
  choice_json: string | null;
  row_count: number | null;
  audit_id: string | null;
  follows_audit_id: string | null;
  created_at: string;
}

export interface StoreSchema {
  users: UsersTable;
  sessions: SessionsTable;
  training_versions: TrainingVersionsTable;
  training_activations: TrainingActivationsTable;
  feedback: FeedbackTable;
  app_meta: AppMetaTable;
  training_chunks: TrainingChunksTable;
  training_events: TrainingEventsTable;
  schedules: SchedulesTable;
  schedule_slots: ScheduleSlotsTable;
  business_calendars: BusinessCalendarsTable;
  saved_questions: SavedQuestionsTable;
  report_templates: ReportTemplatesTable;
  report_runs: ReportRunsTable;
  report_deliveries: ReportDeliveriesTable;
  dashboards: DashboardsTable;
  dashboard_widgets: DashboardWidgetsTable;
  threads: ThreadsTable;
  thread_turns: ThreadTurnsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type TrainingVersionRow = Selectable<TrainingVersionsTable>;
export type NewTrainingVersion = Insertable<TrainingVersionsTable>;
export type TrainingActivationRow = Selectable<TrainingActivationsTable>;
export type NewTrainingActivation = Insertable<TrainingActivationsTable>;
export type FeedbackRow = Selectable<FeedbackTable>;
export type NewFeedback = Insertable<FeedbackTable>;
