import type { AuditEntry } from '../../audit/index.js';
import type { Store, TrainingStatus } from '../../store/index.js';
import type { ValidationReport } from './validate.js';

/** Where training changes are recorded (an AuditLog from openAuditLog, or anything with append). */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
}

/** The app store, the audit trail, and which datasource the training is for. */
export interface TrainingContext {
  store: Store;
  audit: AuditSink;
  /** The datasource key: its redacted URL (Datasource.description) or a configured name. */
  datasourceKey: string;
}

/** What every change carries: who and why. */
export interface ChangeBy {
  actor: string;
  reason?: string;
}

export type TrainingAction = 'import' | 'ingest' | 'refresh' | 'promote' | 'validate' | 'activate' | 'rollback' | 'delete' | 'edit';

/** One training version as the API and the CLI show it. */
export interface TrainingVersion {
  id: string;
  datasource: string;
  version: number;
  contentHash: string;
  status: TrainingStatus;
  profileName: string;
  createdBy: string;
  createdAt: string;
  note: string | null;
  parentVersionId: string | null;
  /** The stored validation report, or null before the first validation. */
  validation: ValidationReport | null;
}

/** A version as the API's lists and actions show it (routes/training, the web app): its validation summed up. */
export type TrainingVersionSummary = Omit<TrainingVersion, 'validation'> & {
  validation: Pick<ValidationReport, 'ok' | 'summary' | 'validatedAt' | 'validatedBy'> | null;
};

export interface TrainingEvent {
  id: string;
  datasource: string;
  versionId: string | null;
  version: number | null;
  action: string;
  actor: string;
  at: string;
  reason: string | null;
  details: Record<string, unknown> | null;
}
