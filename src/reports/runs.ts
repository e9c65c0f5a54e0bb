/**
 * Report runs. A run is one row per idempotency key: a retried run (the scheduler's retry of the
 * same slot, or a run started again after a crash) finds its row and goes on from where it was.
 *   1. data readiness: a read-only query through the pipeline's guard, retried until a cut-off;
 *   2. render once: each saved question re-run through the query pipeline with its rows streamed
 *      (memory does not grow with the rows), the files written to the run's folder, their names, sizes, SHA-256 and rows kept on the run (status 'rendered');
 *   3. fan out: one delivery row per target (unique per run and target), each delivered as its own
 *      job with its own retries; a delivered target is never delivered again for this run.
 * Every run and every delivery attempt is an audit record; secrets never are.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog } from '../audit/index.js';
import type { ChartKind } from '../charts/index.js';
import type { QueryPipeline } from '../nl2sql/index.js';
import { isOtcError, OtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { ReportRunsTable } from '../store/schema.js';
import { deliverTo, emailRecipients, type ChannelSettings, type DeliverableReport, type DeliveryTarget } from './channels/index.js';
import { safeUrl } from './channels/http.js';
import { checkDashboardContent, type DashboardReports } from './dashboard-content.js';
import { PermanentDeliveryError, ReportErrorCode, runNotFound } from './errors.js';
import { slug } from './render/file-sink.js';
import { renderReport, type RenderedFile, type RenderSection } from './render/index.js';
import { getSaved, streamSaved } from './saved.js';
import { spoolRows, type Spool } from './spool.js';
import { checkRecipients, getTemplate, type Governance, type ReportTemplate, type TemplateItem } from './templates.js';

export interface ReportSettings {
  /** Folder of the rendered files (one sub-folder per run). */
  reportDir: string;
  /** Row cap of each question of a report. */
  maxRows: number;
  channels: ChannelSettings;
  governance: Governance;
  /** Attempts per delivery target (first one included). */
  deliveryAttempts: number;
  /** First retry delay in milliseconds, doubled per attempt. */
  deliveryBackoffMs: number;
  deliveryTimeoutMs: number;
  /** Milliseconds between readiness checks. */
  readinessIntervalMs: number;
  /** The server's public URL, for download links. */
  publicUrl?: string;
}

export interface ReportDeps {
  store: Store;
  audit: AuditLog;
  /** The pipeline of the active training version (OTC_ERR_NOT_TRAINED when none). */
  pipeline: () => Promise<QueryPipeline>;
  settings: ReportSettings;
  /** Today's date (as-of of a run). */
  today: () => string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Renders a template's dashboard (the dashboards module; absent: such templates fail with OTC_ERR_NO_DASHBOARDS). */
  dashboards?: DashboardReports;
  /** Test hook: called after the files are rendered and recorded, before any delivery. */
  afterRender?: (runId: string) => void | Promise<void>;
}

export type RunStatus = 'rendering' | 'rendered' | 'completed' | 'partial' | 'failed';

export interface QuestionReceipt {
  savedId: string;
  title: string;
  sql?: string;
  trainingVersion?: string;
  rows: number;
  truncated: boolean;
  versionChanged: boolean;
  sqlChanged?: boolean;
  /** A widget of the template's dashboard. */
  dashboardId?: string;
  widgetId?: string;
  /** The widget's refresh failed (its last good result is in the file). */
  error?: string;
}

export interface DeliveryView {
  id: string;
  targetKey: string;
  channel: string;
  status: 'pending' | 'started' | 'delivered' | 'failed';
  attempts: number;
  recipients: string[];
  receipt: Record<string, unknown> | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunView {
  id: string;
  templateId: string;
  idempotencyKey: string;
  actor: string;
  status: RunStatus;
  asOf: string;
  startedAt: string;
  renderedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  files: Omit<RenderedFile, 'path'>[];
  questions: QuestionReceipt[];
  deliveries: DeliveryView[];
}

const iso = () => new Date().toISOString();
const parse = <T>(s: string | null, d: T): T => (s ? (JSON.parse(s) as T) : d);

/** The key of a target within its template: its position and channel (stable while the template is). */
export const targetKey = (t: DeliveryTarget, i: number) => `${i}-${t.channel}`;

/** A target as the audit and the UI may show it: addresses, never a secret (webhook URLs lose their path and query). */
export function describeTarget(t: DeliveryTarget): Record<string, unknown> {
  if (t.channel === 'webhook') return { channel: t.channel, url: safeUrl(t.url) };
  return { ...t };
}

export async function getRun(store: Store, id: string): Promise<RunView> {
  const r = await store.db.selectFrom('report_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw runNotFound(id);
  return view(store, r);
}

export async function listRuns(store: Store, f: { templateId?: string; status?: string; from?: string; to?: string; limit?: number } = {}): Promise<RunView[]> {
  let q = store.db.selectFrom('report_runs').selectAll().orderBy('started_at', 'desc').limit(Math.min(f.limit ?? 50, 500));
  if (f.templateId) q = q.where('template_id', '=', f.templateId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('started_at', '>=', f.from);
  if (f.to) q = q.where('started_at', '<=', f.to.length === 10 ? `${f.to}T23:59:59.999Z` : f.to);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => view(store, r)));
}

async function view(store: Store, r: ReportRunsTable): Promise<RunView> {
  const ds = await store.db.selectFrom('report_deliveries').selectAll().where('run_id', '=', r.id).orderBy('target_key').execute();
  return {
    id: r.id,
    templateId: r.template_id,
    idempotencyKey: r.idempotency_key,
    actor: r.actor,
    status: r.status as RunStatus,
    asOf: r.as_of,
    startedAt: r.started_at,
    renderedAt: r.rendered_at,
    finishedAt: r.finished_at,
    error: r.error,
    files: parse<RenderedFile[]>(r.files_json, []).map(({ path: _p, ...f }) => f),
    questions: parse<QuestionReceipt[]>(r.questions_json, []),
    deliveries: ds.map((d) => ({
      id: d.id,
      targetKey: d.target_key,
      channel: d.channel,
      status: d.status as DeliveryView['status'],
      attempts: Number(d.attempts),
      recipients: parse<string[]>(d.recipients_json, []),
      receipt: parse<Record<string, unknown> | null>(d.receipt_json, null),
      error: d.error,
      startedAt: d.started_at,
      finishedAt: d.finished_at,
    })),
  };
}

/** The path of a rendered file of a run (for downloads), or undefined. */
export async function runFilePath(store: Store, runId: string, name: string): Promise<string | undefined> {
  const r = await store.db.selectFrom('report_runs').select('files_json').where('id', '=', runId).executeTakeFirst();
  if (!r) throw runNotFound(runId);
  return parse<RenderedFile[]>(r.files_json, []).find((f) => f.name === name)?.path;
}

/** The columns a template item keeps, as indexes into the result's columns (undefined: all of them). */
function keptColumns(columns: string[], item: TemplateItem): number[] | undefined {
  if (!item.columns?.length) return undefined;
  return item.columns.map((c) => columns.indexOf(c)).filter((i) => i >= 0);
}

async function* project(rows: AsyncIterable<unknown[]>, idx: number[] | undefined): AsyncGenerator<unknown[]> {
  for await (const r of rows) yield idx ? idx.map((i) => r[i]) : r;
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || (typeof v === 'string' && /^(true|t|yes|y)$/i.test(v)) || (typeof v === 'number' && v > 0);

/** Runs the readiness query until it says ready or the cut-off passes (then OTC_ERR_DATA_NOT_READY). */
async function waitUntilReady(deps: ReportDeps, t: ReportTemplate, runId: string, actor: string, startedAt: number): Promise<void> {
  if (!t.readiness) return;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const cutoff = startedAt + t.readiness.cutoffMinutes * 60_000;
  const pipeline = await deps.pipeline();
  for (let attempt = 1; ; attempt++) {
    const a = await pipeline.rerun({ sql: t.readiness.sql, question: `Data readiness of ${t.title}` }, { actor, maxRows: 1, details: { reportRun: runId, readiness: attempt } });
    if (a.status === 'error' && a.code === 'OTC_ERR_SQL_GUARD_REJECTED') throw new OtcError(ReportErrorCode.DataNotReady, `The readiness check is not a query the guard admits: ${a.message}`, { status: 422 });
    if (a.status === 'answered' && truthy(a.rows?.[0]?.[0])) return;
    if (now() + deps.settings.readinessIntervalMs > cutoff) {
      throw new OtcError(ReportErrorCode.DataNotReady, `The data was not ready by the cut-off (${t.readiness.cutoffMinutes} min after the run started; ${attempt} checks).`, { status: 409, hint: 'the run failed visibly; the owner is told; run it again when the data has arrived' });
    }
    await sleep(deps.settings.readinessIntervalMs);
  }
}

/**
 * Renders every question of the template once into the run's folder. Each question runs once
 * through the pipeline with its rows streamed (the row limit and the sort done by the database,
 * the columns kept as they pass) into a spool file; every format then reads the spool, so the
 * files agree and memory does not grow with the rows. The spools are removed afterwards.
 */
async function render(deps: ReportDeps, t: ReportTemplate, run: ReportRunsTable): Promise<{ files: RenderedFile[]; questions: QuestionReceipt[] }> {
  const pipeline = await deps.pipeline();
  const dir = join(deps.settings.reportDir, run.id);
  mkdirSync(dir, { recursive: true });
  const sections: RenderSection[] = [];
  const questions: QuestionReceipt[] = [];
  const spools: Spool[] = [];
  try {
    for (const [i, item] of t.items.entries()) {
      const saved = await getSaved(deps.store, item.savedId);
      const maxRows = Math.min(item.rowLimit ?? deps.settings.maxRows, deps.settings.maxRows);
      const a = await streamSaved(pipeline, saved, { actor: run.actor, maxRows, details: { reportRun: run.id }, ...(item.sort ? { orderBy: item.sort } : {}) });
      const idx = keptColumns(a.columns, item);
      const spool = await spoolRows(project(a.rows, idx), join(dir, `.question-${i + 1}.rows`));
      spools.push(spool);
      const title = item.title ?? saved.title;
      sections.push({ title, question: saved.question, explanation: a.explanation, sql: a.sql, columns: idx ? idx.map((k) => a.columns[k]!) : a.columns, rows: () => spool.read(), ...(typeof saved.chart?.kind === 'string' ? { chart: { kind: saved.chart.kind as ChartKind } } : {}) });
      questions.push({ savedId: saved.id, title, sql: a.sql, ...(a.trainingVersion ? { trainingVersion: a.trainingVersion } : {}), rows: spool.rows, truncated: a.truncated, versionChanged: a.rerun.versionChanged, ...(a.rerun.sqlChanged !== undefined ? { sqlChanged: a.rerun.sqlChanged } : {}) });
    }
    const files = sections.length ? await renderReport({ title: t.title, ...(t.intro ? { intro: t.intro } : {}), asOf: run.as_of, sections }, t.formats, dir) : [];
    if (t.dashboard) {
      const d = await renderDashboard(deps, t, run, dir);
      files.push(...d.files);
      questions.push(...d.questions);
    }
    return { files, questions };
  } finally {
    for (const s of spools) s.remove();
  }
}

/**
 * The template's dashboard: its owner may still see it (sharing may have changed), its widgets
 * are refreshed (each refresh audited under the run's actor) and it is exported by the dashboards'
 * own code; the files sit beside the others of the run with their sizes and SHA-256.
 */
async function renderDashboard(deps: ReportDeps, t: ReportTemplate, run: ReportRunsTable, dir: string): Promise<{ files: RenderedFile[]; questions: QuestionReceipt[] }> {
  const c = t.dashboard!;
  await checkDashboardContent(deps.dashboards, c, t.owner);
  const r = await deps.dashboards!.render(c.dashboardId, { actor: run.actor, formats: c.formats });
  const files: RenderedFile[] = [];
  for (const f of r.files) {
    const name = `${slug(t.title)}-dashboard.${f.format}`;
    const path = join(dir, name);
    writeFileSync(path, f.bytes);
    files.push({ name, format: f.format, path, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex'), rows: r.widgets.reduce((n, w) => n + w.rows, 0) });
  }
  const questions = r.widgets.map((w) => ({
    savedId: w.savedId,
    title: `${r.name}: ${w.title}`,
    ...(w.sql ? { sql: w.sql } : {}),
    ...(w.trainingVersion ? { trainingVersion: w.trainingVersion } : {}),
    rows: w.rows,
    truncated: w.truncated,
    versionChanged: false,
    dashboardId: c.dashboardId,
    widgetId: w.widgetId,
    ...(w.error ? { error: w.error } : {}),
  }));
  return { files, questions };
}

function summaryOf(questions: QuestionReceipt[]): string {
  return questions
    .map((q) => `${q.title}: ${q.error ? `refresh failed (${q.error}), last good result shown` : `${q.rows.toLocaleString('en-US')} row${q.rows === 1 ? '' : 's'}${q.truncated ? ' (cut at the row limit)' : ''}`}`)
    .join('\n');
}

/** One target's delivery job: its own attempts and backoff, STARTED/COMPLETED/ERROR in the audit, the receipt in the store. */
async function deliverOne(deps: ReportDeps, t: ReportTemplate, run: ReportRunsTable, report: DeliverableReport, target: DeliveryTarget, key: string): Promise<'delivered' | 'failed'> {
  const { store, audit, settings } = deps;
  const row = await store.db.selectFrom('report_deliveries').selectAll().where('run_id', '=', run.id).where('target_key', '=', key).executeTakeFirstOrThrow();
  if (row.status === 'delivered' || row.status === 'failed') return row.status;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const shown = describeTarget(target);
  let attempts = Number(row.attempts);
  for (;;) {
    attempts++;
    const startedAt = iso();
    await store.db.updateTable('report_deliveries').set({ status: 'started', attempts, started_at: row.started_at ?? startedAt }).where('id', '=', row.id).execute();
    await audit.append({ kind: 'delivery', actor: run.actor, outcome: 'started', correlationId: run.id, details: { runId: run.id, deliveryId: row.id, templateId: t.id, idempotencyKey: run.idempotency_key, target: shown, attempt: attempts } });
    try {
      const receipt = await deliverTo(report, target, { settings: settings.channels, timeoutMs: settings.deliveryTimeoutMs, targetKey: key });
      await store.db.updateTable('report_deliveries').set({ status: 'delivered', recipients_json: JSON.stringify(receipt.recipients), receipt_json: JSON.stringify(receipt.details), error: null, finished_at: iso() }).where('id', '=', row.id).execute();
      await audit.append({ kind: 'delivery', actor: run.actor, outcome: 'completed', correlationId: run.id, details: { runId: run.id, deliveryId: row.id, target: shown, attempt: attempts, recipients: receipt.recipients, files: report.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256, rows: f.rows })) } });
      return 'delivered';
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const code = isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL';
      const permanent = e instanceof PermanentDeliveryError || code === ReportErrorCode.ChannelNotConfigured;
      const last = permanent || attempts >= settings.deliveryAttempts;
      await store.db.updateTable('report_deliveries').set({ status: last ? 'failed' : 'started', error: message, ...(last ? { finished_at: iso() } : {}) }).where('id', '=', row.id).execute();
      await audit.append({ kind: 'delivery', actor: run.actor, outcome: 'error', correlationId: run.id, details: { runId: run.id, deliveryId: row.id, target: shown, attempt: attempts, code, message, permanent, willRetry: !last } });
      if (last) return 'failed';
      await sleep(settings.deliveryBackoffMs * 2 ** (attempts - 1));
    }
  }
}

/**
 * Tells the template's owner that a run failed (its readiness cut-off passed, a question failed,
 * a delivery failed for good) through the owner's notice target, with the run's idempotency key
 * (a retried notice is the same message), retried like a delivery; each attempt is an audit
 * record ('delivery' with notice: true). Without a notice target the owner sees the failure on
 * the Reports page and in the audit trail (the run's error record names the owner).
 */
async function notifyOwner(deps: ReportDeps, t: ReportTemplate, run: ReportRunsTable, reason: { code: string; message: string }): Promise<void> {
  if (!t.notify) return;
  const { audit, settings } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const base = settings.publicUrl?.replace(/\/$/, '');
  const runLink = base ? `${base}/reports?run=${run.id}` : undefined;
  const notice: DeliverableReport = {
    runId: run.id,
    idempotencyKey: run.idempotency_key,
    title: `Report failed: ${t.title}`,
    subject: `Report failed: ${t.title} (data as of ${run.as_of})`,
    asOf: run.as_of,
    summary: [`The run of "${t.title}" started at ${run.started_at} failed.`, `${reason.code}: ${reason.message}`, '', `Run ${run.id}.${runLink ? '' : ' Open it on the Reports page to run it again.'}`].join('\n'),
    files: [],
    linkFor: () => undefined,
    ...(runLink ? { runLink } : {}),
  };
  const shown = describeTarget(t.notify);
  for (let attempt = 1; ; attempt++) {
    try {
      const receipt = await deliverTo(notice, t.notify, { settings: settings.channels, timeoutMs: settings.deliveryTimeoutMs, targetKey: 'owner-notice' });
      await audit.append({ kind: 'delivery', actor: run.actor, outcome: 'completed', correlationId: run.id, details: { runId: run.id, templateId: t.id, notice: true, owner: t.owner, target: shown, attempt, recipients: receipt.recipients, receipt: receipt.details, code: reason.code } });
      return;
    } catch (e) {
      const code = isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL';
      const permanent = e instanceof PermanentDeliveryError || code === ReportErrorCode.ChannelNotConfigured;
      const last = permanent || attempt >= settings.deliveryAttempts;
      await audit.append({ kind: 'delivery', actor: run.actor, outcome: 'error', correlationId: run.id, details: { runId: run.id, templateId: t.id, notice: true, owner: t.owner, target: shown, attempt, code, message: e instanceof Error ? e.message : String(e), willRetry: !last } });
      if (last) return;
      await sleep(settings.deliveryBackoffMs * 2 ** (attempt - 1));
    }
  }
}

export interface StartRun {
  templateId: string;
  /** The scheduler's slot key; a run now gets a fresh one. Runs with the same key are one run. */
  idempotencyKey?: string;
  actor: string;
  asOf?: string;
}

/**
 * Runs (or resumes) the report of one idempotency key and returns its run log. Never renders a
 * run's files twice, never delivers a target twice; a target that failed for good stays failed.
 */
export async function runReport(deps: ReportDeps, o: StartRun): Promise<RunView> {
  const { store, audit } = deps;
  const t = await getTemplate(store, o.templateId);
  if (t.approval === 'pending') throw new OtcError(ReportErrorCode.ApprovalNeeded, `The report "${t.title}" has external recipients and waits for a second admin's approval.`, { status: 409 });
  checkRecipients(t.targets, deps.settings.governance);
  const key = o.idempotencyKey ?? `manual:${randomUUID()}`;
  let run = await store.db.selectFrom('report_runs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  if (!run) {
    const fresh: ReportRunsTable = { id: randomUUID(), template_id: t.id, idempotency_key: key, actor: o.actor, status: 'rendering', as_of: o.asOf ?? deps.today(), started_at: iso(), rendered_at: null, finished_at: null, error: null, files_json: null, questions_json: null };
    try {
      await store.db.insertInto('report_runs').values(fresh).execute();
      await audit.append({ kind: 'report_run', actor: o.actor, outcome: 'started', correlationId: fresh.id, details: { runId: fresh.id, templateId: t.id, title: t.title, idempotencyKey: key, asOf: fresh.as_of, formats: t.formats, targets: t.targets.map(describeTarget) } });
    } catch (e) {
      // Another process inserted the same key first: that is this run.
      run = await store.db.selectFrom('report_runs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
      if (!run) throw e;
    }
    run ??= fresh;
  } else {
    await audit.append({ kind: 'report_run', actor: o.actor, outcome: 'started', correlationId: run.id, details: { runId: run.id, templateId: t.id, idempotencyKey: key, resumed: run.status } });
  }
  if (run.status === 'completed' || run.status === 'failed' || run.status === 'partial') return getRun(store, run.id);

  const files = parse<RenderedFile[]>(run.files_json, []);
  if (run.status !== 'rendered' || !files.every((f) => existsSync(f.path))) {
    try {
      await waitUntilReady(deps, t, run.id, run.actor, Date.parse(run.started_at));
      const r = await render(deps, t, run);
      await store.db.updateTable('report_runs').set({ status: 'rendered', rendered_at: iso(), files_json: JSON.stringify(r.files), questions_json: JSON.stringify(r.questions) }).where('id', '=', run.id).execute();
      await audit.append({ kind: 'report_run', actor: run.actor, outcome: 'ok', correlationId: run.id, details: { runId: run.id, step: 'rendered', files: r.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256, rows: f.rows })), questions: r.questions } });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const code = isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL';
      await store.db.updateTable('report_runs').set({ status: 'failed', error: `${code}: ${message}`, finished_at: iso() }).where('id', '=', run.id).execute();
      // The owner is told: a failed run is an error record addressed to the owner (and shown on the Reports page).
      await audit.append({ kind: 'report_run', actor: run.actor, outcome: 'error', correlationId: run.id, details: { runId: run.id, templateId: t.id, code, message, notify: t.owner } });
      await notifyOwner(deps, t, run, { code, message });
      return getRun(store, run.id);
    }
    run = (await store.db.selectFrom('report_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow());
  }
  await deps.afterRender?.(run.id);

  const rendered = parse<RenderedFile[]>(run.files_json, []);
  const questions = parse<QuestionReceipt[]>(run.questions_json, []);
  for (const [i, target] of t.targets.entries()) {
    const k = targetKey(target, i);
    const exists = await store.db.selectFrom('report_deliveries').select('id').where('run_id', '=', run.id).where('target_key', '=', k).executeTakeFirst();
    if (!exists) {
      await store.db
        .insertInto('report_deliveries')
        .values({ id: randomUUID(), run_id: run.id, target_key: k, channel: target.channel, status: 'pending', attempts: 0, recipients_json: JSON.stringify(emailRecipients(target)), receipt_json: null, error: null, started_at: null, finished_at: null })
        .onConflict((oc) => oc.columns(['run_id', 'target_key']).doNothing())
        .execute();
    }
  }
  const base = deps.settings.publicUrl?.replace(/\/$/, '');
  const report: DeliverableReport = {
    runId: run.id,
    idempotencyKey: run.idempotency_key,
    title: t.title,
    asOf: run.as_of,
    summary: summaryOf(questions),
    files: rendered,
    linkFor: (f) => (base ? `${base}/api/reports/runs/${run!.id}/files/${encodeURIComponent(f.name)}` : undefined),
    ...(base ? { runLink: `${base}/reports?run=${run.id}` } : {}),
  };
  const runRow = run;
  // One job per target: each retries on its own; one failing never holds the others back.
  const outcomes = await Promise.all(t.targets.map((target, i) => deliverOne(deps, t, runRow, report, target, targetKey(target, i))));
  const status: RunStatus = outcomes.every((s) => s === 'delivered') ? 'completed' : outcomes.some((s) => s === 'delivered') ? 'partial' : outcomes.length === 0 ? 'completed' : 'failed';
  const error = status === 'completed' ? null : `${outcomes.filter((s) => s === 'failed').length} of ${outcomes.length} deliveries failed`;
  await store.db.updateTable('report_runs').set({ status, error, finished_at: iso() }).where('id', '=', run.id).execute();
  await audit.append({ kind: 'report_run', actor: run.actor, outcome: status === 'completed' ? 'completed' : 'error', correlationId: run.id, details: { runId: run.id, templateId: t.id, status, ...(error ? { message: error, notify: t.owner } : {}) } });
  if (error) {
    const failed = (await getRun(store, run.id)).deliveries.filter((d) => d.status === 'failed');
    await notifyOwner(deps, t, runRow, { code: ReportErrorCode.Delivery, message: `${error}: ${failed.map((d) => `${d.channel} (${d.error ?? 'failed'})`).join('; ')}` });
  }
  return getRun(store, run.id);
}
