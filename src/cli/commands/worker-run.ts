/**
 * The body of `otc-copilot worker` (worker.ts), loaded when the command runs: the scheduler, reports,
 * dashboards and their drivers are not loaded by the other commands.
 */
import { openAuditLog, type AuditLog } from '../../audit/index.js';
import { auditIntegrityOf, auditPruneOf } from '../../audit/integrity-config.js';
import { registerAuditPruneHandler } from '../../audit/scheduled-prune.js';
import { auditUrlOf, datasourceUrlOf, storeUrlOf, todayOf, type Config } from '../../config/index.js';
import { openDatasource } from '../../datasource/index.js';
import { createDashboardService, dashboardReports, type DashboardService } from '../../dashboards/index.js';
import { openRedisEventBus, type EventBus } from '../../events/index.js';
import { createCopilot, type QueryPipeline } from '../../nl2sql/index.js';
import { activePipeline, registerReportHandler, reportSettingsFromConfig } from '../../reports/index.js';
import { getActiveVersion, loadVersionModel, notTrained, type TrainedModel } from '../../training/index.js';
import { backendFromConfig, createScheduler, type Scheduler } from '../../scheduler/index.js';
import { openStore, type Store } from '../../store/index.js';

/** Runs scheduled work from the Redis queue of `cfg` (its redisUrl is set) until SIGINT/SIGTERM. */
export async function runWorker(cfg: Config & { redisUrl: string }, f: { concurrency: number }): Promise<void> {
  const store = await openStore(storeUrlOf(cfg));
  // the writer's key, as the server's: records appended here are signed and checkpointed too
  const integrity = auditIntegrityOf(cfg, { writer: true });
  const audit = await openAuditLog(auditUrlOf(cfg), { privacy: { results: cfg.auditResults, sqlLiterals: cfg.auditSqlLiterals, ...(cfg.maskColumns ? { maskColumns: cfg.maskColumns } : {}) }, integrity });
  const warn = (what: string) => (e: unknown) => process.stderr.write(`${what}: ${(e as Error).message}\n`);
  // Each finished run is pushed to the browsers of every API process (their server-sent events).
  const events = await openRedisEventBus({ url: cfg.redisUrl, prefix: cfg.redisPrefix, onError: warn('event bus') });
  const scheduler = createScheduler({
    store,
    audit,
    backend: backendFromConfig(cfg, 'worker', { concurrency: f.concurrency }),
    onRunFinished: (run) => void events.publish({ type: 'schedule_run', ...run }).catch(warn('schedule run not published')),
  });
  // Report runs (handler 'report'): the active training version's pipeline, the datasource opened on the first run.
  const reportPipeline = activePipeline({ store, audit, openDatasource: () => openDatasource(datasourceUrlOf(cfg), { maxRows: cfg.reportMaxRows, timeoutMs: cfg.queryTimeoutMs }), maxRows: cfg.reportMaxRows, timeoutMs: cfg.queryTimeoutMs, actor: 'scheduler' });
  // a report whose content is a dashboard renders it with this worker's dashboard service (below), when it has one
  let dashboardService: DashboardService | undefined;
  registerReportHandler(scheduler, { store, audit, settings: reportSettingsFromConfig(cfg), today: () => todayOf(cfg), pipeline: reportPipeline.get, dashboards: dashboardReports(() => dashboardService) });
  // Dashboard refreshes (handler 'dashboard-refresh'): the active version's model and pipeline; no probes here (the API processes run those).
  // A datasource that cannot be opened yet (the demo database is built by the server's first start)
  // leaves this worker without the handler, said on its output, rather than not starting at all.
  const dashboards = await openDashboards(cfg, store, audit, scheduler, events).catch((e: unknown) => {
    process.stderr.write(`Dashboard refreshes not run by this worker: ${(e as Error).message}\n`);
    return undefined;
  });
  dashboardService = dashboards?.service;
  // Scheduled retention runs wherever the slot lands (the server keeps the schedule in step with configuration).
  const prune = auditPruneOf(cfg, integrity);
  if (prune) registerAuditPruneHandler(scheduler, { log: audit, ...prune });
  await scheduler.start();
  process.stdout.write(`Scheduler worker ${scheduler.engine.workerId} running (queue on ${new URL(cfg.redisUrl).host}, concurrency ${f.concurrency})\n`);
  const stop = (signal: string) => {
    process.stdout.write(`${signal}: finishing the runs in progress…\n`);
    void (async () => {
      await scheduler.close();
      await events.close();
      await reportPipeline.close();
      await dashboards?.close();
      await store.close();
      await audit.close();
      process.exit(0);
    })();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** The dashboard service of a worker: scheduled widget refreshes through the active training version. */
async function openDashboards(cfg: Config, store: Store, audit: AuditLog, scheduler: Scheduler, events: EventBus): Promise<{ service: DashboardService; close(): Promise<void> }> {
  const datasource = await openDatasource(datasourceUrlOf(cfg), { maxRows: cfg.maxRows, timeoutMs: cfg.queryTimeoutMs });
  let held: { id: string; model: TrainedModel; copilot: QueryPipeline } | undefined;
  const dashboards = createDashboardService({
    store,
    audit,
    datasource,
    realtime: false,
    scheduler,
    // a scheduled refresh done here reaches the viewers of every API process
    events,
    today: () => todayOf(cfg),
    maxRows: cfg.maxRows,
    queryTimeoutMs: cfg.queryTimeoutMs,
    probeIntervalMs: cfg.dashboardProbeIntervalMs,
    answering: async () => {
      const ctx = { store, datasourceKey: datasource.description };
      const active = await getActiveVersion(ctx);
      if (!active) throw notTrained(datasource.description, 'activate a training version first');
      if (held?.id !== active.id) {
        const model = await loadVersionModel(ctx, active.id);
        held = { id: active.id, model, copilot: createCopilot({ datasource, model, audit, maxRows: cfg.maxRows, timeoutMs: cfg.queryTimeoutMs, trainingVersion: active.id, actor: 'scheduler' }) };
      }
      return held;
    },
  });
  await dashboards.start();
  return {
    service: dashboards,
    async close() {
      await dashboards.close();
      await datasource.close();
    },
  };
}
