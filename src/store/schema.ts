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

export interface StoreSchema {
  users: UsersTable;
  sessions: SessionsTable;
  training_versions: TrainingVersionsTable;
  training_activations: TrainingActivationsTable;
  feedback: FeedbackTable;
  app_meta: AppMetaTable;
  training_chunks: TrainingChunksTable;
  training_events: TrainingEventsTable;
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
