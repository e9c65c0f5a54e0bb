import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openAuditLog, type AuditLog } from '../audit/index.js';
import { createAuthService, createOidcProvider, oidcSettingsOf } from '../auth/index.js';
import { auditIntegrityOf, auditPruneOf } from '../audit/integrity-config.js';
import { ensureAuditPruneSchedule, registerAuditPruneHandler } from '../audit/scheduled-prune.js';
import { HecSink, hecDestination, setActiveHecSink } from '../logging/hec.js';
import { auditUrlOf, datasourceUrlOf, demoDatabasePath, storeUrlOf, todayOf, type Config } from '../config/index.js';
import { openDatasource, type Datasource } from '../datasource/index.js';
import { eventBusFromConfig, type EventBus } from '../events/index.js';
import { buildDemoDatabase } from '../demo/index.js';
import { createCopilot } from '../nl2sql/index.js';
import { createFallbackFromConfig } from '../nl2sql/llm/index.js';
import { warmUpGuard } from '../guard/index.js';
import { openStore, type Store } from '../store/index.js';
import { backendFromConfig, createScheduler, type Scheduler } from '../scheduler/index.js';
import pino from 'pino';
import { isOtcError } from '../shared/errors.js';
import { bootstrapTraining, loadProfile, trainModel } from '../training/index.js';
import { llmClientFromConfig } from '../llm/index.js';
import { dashboardReports } from '../dashboards/index.js';
import { registerReportHandler, reportSettingsFromConfig } from '../reports/index.js';
import { createAnsweringHolder, type Answering } from './answering.js';
import { prepareDataDir, restrictDataFiles } from './data-dir.js';
import { buildServer } from './app.js';
import { ensureDefaultDashboard } from '../dashboards/index.js';
import { closeGracefully } from './shutdown.js';

export interface StartOptions {
  /** Where progress and the one-time admin credentials are printed (default process.stdout). */
  out?: (line: string) => void;
  /** Folder of the built web app (default dist/web next to the package). */
  webRoot?: string;
  /** Listen on this port instead of cfg.port (0 = a free port, for tests). */
  port?: number;
}

export interface StartedServer {
  app: FastifyInstance;
  /** http://host:port of the listening server. */
  url: string;
  /** Closes the server, then the datasource, the store and the audit log. Idempotent. */
  close(): Promise<void>;
}

/** dist/web of this package, from src/server or dist/server. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../dist/web', import.meta.url));
}

/**
 * Starts the product in one process: builds the demo database on first start (when no
 * datasource is configured), opens the store (migrations), the audit log and the datasource,
 * trains the profile, creates the first admin, and listens.
 */
export async function startServer(cfg: Config, opts: StartOptions = {}): Promise<StartedServer> {
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const today = () => todayOf(cfg);

  const opened: { store?: Store; audit?: AuditLog; datasource?: Datasource; scheduler?: Scheduler; events?: EventBus } = {};
  let auditLogger: FastifyInstance['log'] | undefined;
  const hec = cfg.splunkHecUrl && cfg.splunkHecToken ? new HecSink({ url: cfg.splunkHecUrl, token: cfg.splunkHecToken, maxBuffer: cfg.splunkHecMaxBuffer }) : undefined;
  setActiveHecSink(hec);
  const closeOpened = async () => {
    await opened.scheduler?.close().catch(() => undefined);
    await opened.events?.close().catch(() => undefined);
    await opened.datasource?.close().catch(() => undefined);
    await opened.store?.close().catch(() => undefined);
    await opened.audit?.close().catch(() => undefined);
    await hec?.close();
  };
  let app: FastifyInstance;
  // Configuration errors before anything slow (the demo database takes minutes at full size):
  // the model settings, and on a first demo start the profile it will be trained with.
  const buildsDemo = !cfg.datasourceUrl && !existsSync(demoDatabasePath(cfg));
  llmClientFromConfig(cfg); // OTC_ERR_LLM_CONFIG on incomplete OTC_LLM_* settings
  const oidcSettings = oidcSettingsOf(cfg); // OTC_ERR_CONFIG on incomplete OTC_OIDC_* settings
  if (buildsDemo) loadProfile(cfg.profileDir);
  prepareDataDir(cfg.dataDir);
  try {
    opened.store = await openStore(storeUrlOf(cfg));
    // The audit key and checkpoint file, outside the audit store; checkpoints also go to the log.
    const integrity = auditIntegrityOf(cfg, {
      writer: true,
      onCheckpoint: (cp) => auditLogger?.info({ audit_checkpoint: cp }, 'audit checkpoint'),
      onError: (e) => auditLogger?.error({ err: e }, 'an audit checkpoint could not be written'),
    });
    opened.audit = await openAuditLog(auditUrlOf(cfg), {
      privacy: { results: cfg.auditResults, sqlLiterals: cfg.auditSqlLiterals, ...(cfg.maskColumns ? { maskColumns: cfg.maskColumns } : {}) },
      integrity,
    });
    restrictDataFiles(cfg.dataDir);
    // The demo is built only once the store and the audit log are known to open (a wrong
    // OTC_STORE_URL fails at once, not after building 50,000 trades).
    if (!cfg.datasourceUrl && !existsSync(demoDatabasePath(cfg))) {
      const path = demoDatabasePath(cfg);
      out(`First start: building the demo database (${cfg.demoTrades.toLocaleString('en-US')} trades, as of ${today()}) at ${path} …`);
      let lastShown = Date.now();
      const r = await buildDemoDatabase({
        out: path,
        trades: cfg.demoTrades,
        seed: 42,
        asOf: today(),
        onProgress: (table, done, total) => {
          const now = Date.now();
          if (done === total || now - lastShown > 2000) {
            lastShown = now;
            out(`  ${table}: ${done.toLocaleString('en-US')}${done === total ? ' rows' : ` of ~${total.toLocaleString('en-US')}`}`);
          }
        },
      });
      out(`Demo database ready in ${(r.ms / 1000).toFixed(1)} s: ${path}`);
      restrictDataFiles(cfg.dataDir);
    }

    opened.datasource = await openDatasource(datasourceUrlOf(cfg), { maxRows: cfg.maxRows, timeoutMs: cfg.queryTimeoutMs });
    const ds = opened.datasource;
    const audit = opened.audit;
    // Answers and their audit records carry the version id, so feedback links to the version that answered.
    // The bank's language model (OTC_LLM_*), when configured, answers what the semantic engine cannot map.
    const copilotFor = (model: Answering['model'], trainingVersion: string) =>
      createCopilot({ datasource: ds, model, audit, maxRows: cfg.maxRows, timeoutMs: cfg.queryTimeoutMs, trainingVersion, fallback: createFallbackFromConfig(cfg, model, { audit }) });
    const initial = await activeTraining(cfg, opened as Required<typeof opened>, copilotFor, out);
    const answering = createAnsweringHolder({ store: opened.store, datasourceKey: ds.description, initial, copilotFor });
    const sso = oidcSettings ? { provider: createOidcProvider(oidcSettings, { db: opened.store.db, audit: opened.audit }), emergencyAdmin: cfg.oidcEmergencyAdmin } : undefined;
    const auth = createAuthService({ db: opened.store.db, audit: opened.audit, ...(sso ? { sso: { emergencyAdmin: sso.emergencyAdmin } } : {}) });
    const admin = await auth.ensureFirstAdmin(cfg.adminPassword);
    await auth.purgeExpiredSessions();
    // The scheduler: in this process (in-process backend), or only enqueueing for the workers on
    // Redis (OTC_REDIS_URL). Handlers (reports, dashboard refreshes) register by kind on it.
    // The event bus: Redis pub/sub with OTC_REDIS_URL (every API process and worker), else this process.
    const logger = pino({ level: cfg.logLevel });
    const events = (opened.events = await eventBusFromConfig(cfg, { onError: (e) => logger.warn({ err: (e as Error).message }, 'event bus') }));
    opened.scheduler = createScheduler({
      store: opened.store,
      audit: opened.audit,
      backend: backendFromConfig(cfg, 'producer'),
      logger,
      onRunFinished: (run) => void events.publish({ type: 'schedule_run', ...run }).catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'schedule run not published')),
    });
    const reports = reportSettingsFromConfig(cfg);
    // A report whose content is a dashboard renders it with the server's dashboard service (built with the server below).
    registerReportHandler(opened.scheduler, { store: opened.store, audit: opened.audit, settings: reports, today, pipeline: async () => (await answering.require()).copilot, dashboards: dashboardReports(() => app?.dashboards) });
    // Retention on a schedule (OTC_AUDIT_RETENTION_DAYS, OTC_AUDIT_PRUNE_CRON): the schedule follows configuration.
    const prune = auditPruneOf(cfg, integrity);
    if (prune) registerAuditPruneHandler(opened.scheduler, { log: opened.audit, ...prune });
    await ensureAuditPruneSchedule(opened.scheduler, prune?.schedule, 'system');
    app = await buildServer({
      scheduler: opened.scheduler,
      settings: { publicUrl: cfg.publicUrl, trustedProxies: cfg.trustedProxies, ...(cfg.redisUrl ? { rateLimitRedis: { url: cfg.redisUrl, prefix: cfg.redisPrefix } } : {}), maxRows: cfg.maxRows, queryTimeoutMs: cfg.queryTimeoutMs, dashboardProbeIntervalMs: cfg.dashboardProbeIntervalMs, webRoot: opts.webRoot ?? defaultWebRoot(), logLevel: cfg.logLevel, logRequests: requestLogging(cfg.logRequests, process.stdout.isTTY === true), ...(hec ? { logStream: hecDestination(hec) } : {}), ...(cfg.maskColumns ? { maskColumns: cfg.maskColumns } : {}) },
      store: opened.store,
      audit: opened.audit,
      datasource: opened.datasource,
      datasourceKey: ds.description,
      answering,
      today,
      auth,
      sso,
      reports,
      events,
    });
    auditLogger = app.log;
    // The demo's default ops dashboard, once, from the demo profile's example questions.
    if (!cfg.datasourceUrl) {
      const active = await answering.get();
      if (active) {
        const id = await ensureDefaultDashboard({ store: opened.store, service: app.dashboards, answering: active, owner: admin?.username ?? 'admin', today: today(), dialect: ds.dialect }).catch((e: unknown) => {
          out(`Dashboards: the default dashboard could not be made (${e instanceof Error ? e.message : String(e)})`);
          return null;
        });
        if (id) out('Dashboards: made the default "Operations overview" dashboard from the demo profile\'s questions');
      }
    }
    // Compile the SQL guard's parsers before the first question (about a second, once per process).
    await warmUpGuard([ds.dialect.name]);
    await app.listen({ host: cfg.host, port: opts.port ?? cfg.port });
    await opened.scheduler.start();
    out(`Scheduler: ${opened.scheduler.backend === 'bullmq' ? 'queue on Redis (runs happen in otc-copilot worker processes)' : 'in-process'}`);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? cfg.port);
    const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? 'localhost' : cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    const url = `http://${host}:${port}`;
    out(`OTC Ops Copilot is running at ${cfg.publicUrl ?? url}  (API docs: ${cfg.publicUrl ?? url}/api/docs)`);
    if (admin) {
      out(admin.generated
        ? `First admin created. User: ${admin.username}  Password: ${admin.password}  (shown once; sign in and keep it safe)`
        : `First admin created. User: ${admin.username}  Password: the one in OTC_ADMIN_PASSWORD`);
    }
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      close: () => (closing ??= (async () => {
        const { forced } = await closeGracefully(app, cfg.shutdownGraceMs);
        if (forced) out(`Shutdown: requests still running after ${cfg.shutdownGraceMs} ms were cut off (OTC_SHUTDOWN_GRACE_MS).`);
        await closeOpened();
      })()),
    };
  } catch (e) {
    await closeOpened();
    throw e;
  }
}

/**
 * Whether each request gets its log lines: on a terminal a person reads the start messages (the
 * first admin's one-time password among them), which a line per request would push out of view;
 * a service's stdout goes to a log shipper, which wants them. OTC_LOG_REQUESTS=on|off decides.
 */
export function requestLogging(setting: 'auto' | 'on' | 'off', stdoutIsTerminal: boolean): boolean {
  return setting === 'on' || (setting === 'auto' && !stdoutIsTerminal);
}

/**
 * What answers at start: the datasource's active training version. On first start (no version at
 * all) the profile folder is imported, validated and activated (version 1). When that fails, or
 * versions exist and none is active, the server still starts:
 * - a configured datasource answers nothing until an admin activates a validated version
 *   (asking is refused with OTC_ERR_NOT_TRAINED, 409, saying what to do);
 * - the embedded demo (its profile names the date its example SQL was written for, examplesAsOf,
 *   so it validates whatever the clock says): when its profile still does not validate (e.g. an
 *   edited OTC_PROFILE_DIR), the demo answers with a model trained at start (not a stored
 *   version) and says so in the header ("trained at start, not validated").
 * An admin can validate and activate a version on the Training page at any time; the server
 * answers with it from the next request on.
 */
async function activeTraining(
  cfg: Config,
  opened: { store: Store; audit: AuditLog; datasource: Datasource },
  copilotFor: (model: Answering['model'], trainingVersion: string) => Answering['copilot'],
  out: (line: string) => void,
): Promise<Answering | null> {
  const ds = opened.datasource;
  try {
    const t = await bootstrapTraining({ store: opened.store, audit: opened.audit, datasource: ds, datasourceKey: ds.description, profileDir: cfg.profileDir, actor: 'system' });
    const label = `${t.version.profileName} v${t.version.version}`;
    out(t.action === 'bootstrapped' ? `Training: imported ${cfg.profileDir}, validated and activated ${label} for ${ds.description}` : `Training: active version ${label} for ${ds.description}`);
    return { model: t.model, copilot: copilotFor(t.model, t.version.id), label, version: t.version };
  } catch (e) {
    if (!isOtcError(e) || (e.code !== 'OTC_ERR_TRAINING_NOT_VALIDATED' && e.code !== 'OTC_ERR_NOT_TRAINED')) throw e;
    if (cfg.datasourceUrl) {
      out(`Training: no active training version for ${ds.description} (${e.code}: ${e.message.slice(0, 300)}${e.message.length > 300 ? '…' : ''}). The server starts, but questions are refused until an admin validates and activates a version (Training page or otc-copilot train).`);
      return null;
    }
    const profile = loadProfile(cfg.profileDir);
    out(`Training: no validated active version for the demo database (${e.code}: ${e.message.slice(0, 160)}…); the demo answers with ${profile.name} trained at start, not a stored version.`);
    const model = await trainModel(profile, ds);
    const label = `${profile.name} (trained at start, not validated)`;
    return { model, copilot: copilotFor(model, label), label, version: null };
  }
}
