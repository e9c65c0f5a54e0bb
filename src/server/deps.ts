import type { AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import type { Datasource } from '../datasource/types.js';
import type { Copilot } from '../nl2sql/index.js';
import type { Store } from '../store/index.js';
import type { TrainedModel } from '../training/index.js';

/** Settings the HTTP layer needs (a slice of the product's Config). */
export interface ServerSettings {
  /** OTC_PUBLIC_URL: https here turns on Secure cookies. */
  publicUrl?: string;
  maxRows: number;
  queryTimeoutMs: number;
  /** Sign-in attempts per IP per minute (default 10). */
  loginPerMinute?: number;
  /** Questions per user per minute (default 60). */
  askPerMinute?: number;
  /** Session lifetime in milliseconds (default 12 hours). */
  sessionTtlMs?: number;
  /** Folder of the built web app (index.html); absent = API only. */
  webRoot?: string;
  /** Pino log level (default 'info'); 'silent' in tests. */
  logLevel?: string;
}

/** The opened modules the server shows over HTTP. Tests pass real ones. */
export interface ServerDeps {
  settings: ServerSettings;
  store: Store;
  audit: AuditLog;
  datasource: Datasource;
  /** The active trained model (its profile's examples and snapshot for the guard on exports). */
  model: TrainedModel;
  copilot: Copilot;
  /** Label of the active training version, e.g. "otc-ops v1". */
  trainingVersion?: string;
  /** As-of date of questions, 'YYYY-MM-DD' (config OTC_TODAY or the clock). */
  today: () => string;
  /** Built from store + audit when not given. */
  auth?: AuthService;
}
