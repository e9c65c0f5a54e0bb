import type { AuditLog } from '../audit/index.js';
import type { AuthService, OidcProvider } from '../auth/index.js';
import type { DashboardService } from '../dashboards/index.js';
import type { Datasource } from '../datasource/types.js';
import type { EventBus } from '../events/index.js';
import type { ReportSettings } from '../reports/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { AnsweringHolder } from './answering.js';

/** Settings the HTTP layer needs (a slice of the product's Config). */
export interface ServerSettings {
  /** OTC_PUBLIC_URL: https here turns on Secure cookies. */
  publicUrl?: string;
  maxRows: number;
  queryTimeoutMs: number;
  /** Sign-in attempts per IP per minute (default 10). */
  loginPerMinute?: number;
  /** Failed sign-ins per user name, from any address, within 15 minutes before it is locked (default 10). */
  loginFailuresPerUser?: number;
  /**
   * OTC_TRUSTED_PROXIES: addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For
   * is believed. Unset: none, and the client address is the connection's.
   */
  trustedProxies?: string[];
  /**
   * Rate limits shared by every API process (OTC_REDIS_URL): the counters live in Redis under
   * `<prefix>:rl:`, so N processes allow what one allows. Unset: counted in this process.
   */
  rateLimitRedis?: { url: string; prefix: string };
  /** Questions per user per minute (default 60). */
  askPerMinute?: number;
  /** Session lifetime in milliseconds (default 12 hours). */
  sessionTtlMs?: number;
  /** Folder of the built web app (index.html); absent = API only. */
  webRoot?: string;
  /** Pino log level (default 'info'); 'silent' in tests. */
  logLevel?: string;
  /** One JSON log line per request and response (default true); the bootstrap turns it off on a terminal (OTC_LOG_REQUESTS=auto). */
  logRequests?: boolean;
  /** Where JSON log lines go besides stdout (the Splunk HEC sink: src/logging/hec.ts). */
  logStream?: { write(line: string): void };
  /** OTC_MASK_COLUMNS: masked in logs and downloaded exports (and by the audit log itself). */
  maskColumns?: string[];
  /** OTC_DASHBOARD_PROBE_INTERVAL_MS: change probes of real-time widgets' tables (default 15 s). */
  dashboardProbeIntervalMs?: number;
}

/** The opened modules the server shows over HTTP. Tests pass real ones. */
export interface ServerDeps {
  settings: ServerSettings;
  store: Store;
  audit: AuditLog;
  datasource: Datasource;
  /** The datasource's key in the training store (default: datasource.description). */
  datasourceKey?: string;
  /**
   * What answers: the active training version's model and copilot, swapped after an activation
   * or a rollback; empty when the datasource has no active version (asking is then refused
   * with OTC_ERR_NOT_TRAINED).
   */
  answering: AnsweringHolder;
  /** The scheduler (Scheduler page and /api/schedules); absent = no schedule routes. */
  scheduler?: Scheduler;
  /** As-of date of questions, 'YYYY-MM-DD' (config OTC_TODAY or the clock). */
  today: () => string;
  /** Built from store + audit when not given. */
  auth?: AuthService;
  /**
   * Single sign-on (OTC_OIDC_*): the OpenID Connect provider, and the one local user who may still
   * sign in with a password. The auth service must then be made with the same `sso` option.
   */
  sso?: { provider: OidcProvider; emergencyAdmin?: string };
  /** Dashboards (built from the other deps when not given; started and closed with the server). */
  dashboards?: DashboardService;
  /**
   * The deployment's event bus (Redis pub/sub with several processes): what happens in any process
   * reaches the server-sent events (GET /api/events) of every one. Absent: nothing is pushed.
   */
  events?: EventBus;
  /** The Extract Manager's settings (report folder, channels and their secrets, governance); defaults when not given. */
  reports?: ReportSettings;
}
