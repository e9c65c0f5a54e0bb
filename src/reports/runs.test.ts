/**
 * Report runs end to end on a real store, audit log, demo database and query pipeline, delivering
 * to real loopback servers: render once and fan out per target; a crash between rendering and
 * delivering (no duplicate, no loss); one failing target does not hold the others; readiness
 * cut-off; recipient allow-list and four eyes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../server/testing.js';
import { createScheduler, InProcessBackend } from '../scheduler/index.js';
import { memoryLogger } from '../scheduler/testing.js';
import { approveTemplate, createTemplate, getRun, registerReportHandler, runReport, saveQuestion, type Governance, type ReportDeps, type TemplateInput } from './index.js';
import { attachmentOf, startHttp, startSmtp, textOf, type TestHttp, type TestSmtp } from './testing/loopback.js';

let world: TestWorld;
let smtp: TestSmtp;
let teams: TestHttp;
let deps: ReportDeps;
let savedId: string;
const governance: Governance = { allowedDomains: ['bank.test', 'partner.test'], internalDomains: ['bank.test'] };

beforeAll(async () => {
  world = await createTestWorld({ maxRows: 200 });
  smtp = await startSmtp();
  teams = await startHttp(() => ({ status: 202, text: '' }));
  const { copilot } = await world.deps.answering.require();
  const a = await copilot.ask({ question: 'How many fails by counterparty?', today: '2026-11-20', actor: 'analyst' });
  expect(a.status).toBe('answered');
  const gen = (await world.audit.search({ text: a.auditId!, kind: 'sql_generated', limit: 5 }))[0]!;
  const s = await saveQuestion(world.store, { owner: 'analyst', question: a.question, asOf: '2026-11-20', sql: gen.sql, query: a.understood, engine: 'semantic', explanation: a.explanation, trainingVersion: a.trainingVersion, chart: { kind: 'bar' } });
  savedId = s.id;
  deps = {
    store: world.store,
    audit: world.audit,
    pipeline: async () => (await world.deps.answering.require()).copilot,
    today: () => '2026-11-20',
    sleep: async () => undefined,
    settings: {
      reportDir: join(world.dir, 'reports'),
      maxRows: 200,
      governance,
      deliveryAttempts: 3,
      deliveryBackoffMs: 1,
      deliveryTimeoutMs: 2000,
      readinessIntervalMs: 1,
      publicUrl: 'https://copilot.bank.test',
      channels: { smtpUrl: smtp.url, mailFrom: 'copilot@bank.test', mailMaxBytes: 5 * 1024 * 1024, teamsWebhookUrl: `${teams.url}/workflows/x?sig=secret-sig`, graphBaseUrl: '', graphLoginUrl: '' },
    },
  };
});
afterAll(async () => {
  await smtp?.close();
  await teams?.close();
  await world?.close();
});

const template = (over: Partial<TemplateInput> = {}): TemplateInput => ({
  title: 'Morning fails',
  intro: 'For the stand-up.',
  items: [{ savedId, sort: { column: 'counterparty', direction: 'asc' }, rowLimit: 5 }],
  formats: ['csv', 'xlsx', 'pdf'],
  targets: [{ channel: 'email', to: ['ops@bank.test'] }, { channel: 'teams', label: 'ops' }],
  ...over,
});
const mailsFor = (runId: string) => smtp.messages.filter((m) => m.raw.toLowerCase().includes(`x-otc-run-id: ${runId}`));
const dump = () => smtp.messages.map((m) => m.raw.slice(0, 600)).join('\n----\n');

describe('report runs', () => {
  it('renders once, delivers each target with a receipt, and audits the run and each delivery', async () => {
    const t = await createTemplate(world.store, world.audit, template(), 'analyst', governance);
    expect(t.approval).toBe('not_needed');
    const run = await runReport(deps, { templateId: t.id, idempotencyKey: 'sched-1@2026-11-20T07:00:00.000Z', actor: 'scheduler' });
    expect(run.status).toBe('completed');
    expect(run.files.map((f) => f.name)).toEqual(['morning-fails.csv', 'morning-fails.xlsx', 'morning-fails.pdf']);
    expect(run.questions[0]).toMatchObject({ savedId, rows: 5, versionChanged: false });
    expect(run.questions[0]!.sql).toMatch(/select/i);
    expect(run.deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([['email', 'delivered', 1], ['teams', 'delivered', 1]]);
    expect(run.deliveries[0]!.recipients).toEqual(['ops@bank.test']);
    const mails = mailsFor(run.id);
    expect(mails, dump()).toHaveLength(1);
    const csvPath = join(deps.settings.reportDir, run.id, 'morning-fails.csv');
    const attached = attachmentOf(mails[0]!.raw, 'morning-fails.csv')!;
    expect(attached.equals(readFileSync(csvPath))).toBe(true);
    expect(createHash('sha256').update(attached).digest('hex')).toBe(run.files[0]!.sha256);
    const records = (await world.audit.search({ text: run.id, limit: 100 })).filter((r) => r.correlationId === run.id);
    expect(records.filter((r) => r.kind === 'delivery').map((r) => r.outcome).sort()).toEqual(['completed', 'completed', 'started', 'started']);
    expect(records.some((r) => r.kind === 'report_run' && r.outcome === 'completed')).toBe(true);
    expect(JSON.stringify(records)).not.toContain('secret-sig');
  });

  it('a crash between rendering and delivering: the retry renders nothing again and delivers each target once', async () => {
    const t = await createTemplate(world.store, world.audit, template(), 'analyst', governance);
    const key = 'sched-2@2026-11-20T07:00:00.000Z';
    let crashes = 1;
    const crashing: ReportDeps = { ...deps, afterRender: () => { if (crashes-- > 0) throw new Error('process killed'); } };
    await expect(runReport(crashing, { templateId: t.id, idempotencyKey: key, actor: 'scheduler' })).rejects.toThrow('process killed');
    const rows = await world.store.db.selectFrom('report_runs').selectAll().where('idempotency_key', '=', key).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('rendered');
    expect(mailsFor(rows[0]!.id)).toHaveLength(0);
    const renderedAt = rows[0]!.rendered_at;
    const run = await runReport(crashing, { templateId: t.id, idempotencyKey: key, actor: 'scheduler' });
    expect(run.id).toBe(rows[0]!.id);
    expect(run.renderedAt).toBe(renderedAt);
    expect(run.status).toBe('completed');
    expect(mailsFor(run.id)).toHaveLength(1);
    // The scheduler retries the slot once more: nothing is sent again.
    const again = await runReport(deps, { templateId: t.id, idempotencyKey: key, actor: 'scheduler' });
    expect(again.status).toBe('completed');
    expect(mailsFor(run.id)).toHaveLength(1);
    expect(again.deliveries.every((d) => d.attempts === 1)).toBe(true);
  });

  it('one failing target retries on its own and does not hold back the e-mail; a 4xx fails at once', async () => {
    const t = await createTemplate(world.store, world.audit, template({ formats: ['csv'] }), 'analyst', governance);
    teams.fail.push({ status: 500 }, { status: 500 }, { status: 500 });
    const run = await runReport(deps, { templateId: t.id, actor: 'analyst' });
    expect(run.status).toBe('partial');
    const [mail, card] = run.deliveries;
    expect(mail).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(card).toMatchObject({ status: 'failed', attempts: 3 });
    expect(card!.error).toMatch(/answered 500/);
    expect(card!.error).not.toContain('secret-sig');
    teams.fail.push({ status: 403 });
    const run2 = await runReport(deps, { templateId: t.id, actor: 'analyst' });
    expect(run2.deliveries[1]).toMatchObject({ status: 'failed', attempts: 1 });
    teams.fail.push({ status: 503 });
    const run3 = await runReport(deps, { templateId: t.id, actor: 'analyst' });
    expect(run3.deliveries[1]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('waits for the data: ready at once runs; never ready fails visibly at the cut-off and tells the owner', async () => {
    const ready = await createTemplate(world.store, world.audit, template({ formats: ['csv'], targets: [], readiness: { sql: 'SELECT count(*) > 0 FROM trades', cutoffMinutes: 1 } }), 'analyst', governance);
    expect((await runReport(deps, { templateId: ready.id, actor: 'analyst' })).status).toBe('completed');
    const never = await createTemplate(world.store, world.audit, template({ formats: ['csv'], readiness: { sql: 'SELECT count(*) > 0 FROM trades WHERE 1 = 0', cutoffMinutes: 1 } }), 'analyst', governance);
    let clock = Date.now();
    const run = await runReport({ ...deps, now: () => clock, sleep: async (ms) => { clock += ms * 10_000; } }, { templateId: never.id, actor: 'scheduler' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^OTC_ERR_DATA_NOT_READY: The data was not ready by the cut-off/);
    expect(run.deliveries).toHaveLength(0);
    expect(mailsFor(run.id)).toHaveLength(0);
    const rec = (await world.audit.search({ text: run.id, kind: 'report_run', limit: 20 })).find((r) => r.outcome === 'error');
    expect(rec?.details).toMatchObject({ code: 'OTC_ERR_DATA_NOT_READY', notify: 'analyst' });
  });

  it('tells the owner by e-mail when the readiness cut-off passes and when a delivery fails for good, each notice audited', async () => {
    const notify = { channel: 'email' as const, to: ['owner@bank.test'] };
    const notices = (runId: string) => mailsFor(runId).filter((m) => m.to.includes('owner@bank.test'));
    const never = await createTemplate(world.store, world.audit, template({ title: 'Late data', formats: ['csv'], notify, readiness: { sql: 'SELECT count(*) > 0 FROM trades WHERE 1 = 0', cutoffMinutes: 1 } }), 'analyst', governance);
    expect(never.notify).toEqual(notify);
    let clock = Date.now();
    const run = await runReport({ ...deps, now: () => clock, sleep: async (ms) => { clock += ms * 10_000; } }, { templateId: never.id, actor: 'scheduler' });
    expect(run.status).toBe('failed');
    const [notice, ...more] = notices(run.id);
    expect(more, dump()).toHaveLength(0);
    expect(notice!.raw).toMatch(/Subject: Report failed: Late data \(data as of 2026-11-20\)/);
    const body = textOf(notice!.raw);
    expect(body).toContain('OTC_ERR_DATA_NOT_READY: The data was not ready by the cut-off');
    expect(body).toContain(`Run log: https://copilot.bank.test/reports?run=${run.id}`);
    expect(notice!.raw).not.toMatch(/Content-Disposition: attachment/i);
    const audited = (await world.audit.search({ text: run.id, kind: 'delivery', limit: 20 })).filter((r) => r.correlationId === run.id);
    expect(audited.map((r) => [r.outcome, r.details])).toEqual([['completed', expect.objectContaining({ notice: true, owner: 'analyst', recipients: ['owner@bank.test'], code: 'OTC_ERR_DATA_NOT_READY' })]]);

    const broken = await createTemplate(world.store, world.audit, template({ title: 'Cards', formats: ['csv'], targets: [{ channel: 'teams', label: 'ops' }], notify }), 'analyst', governance);
    teams.fail.push({ status: 403 });
    const failed = await runReport(deps, { templateId: broken.id, actor: 'scheduler' });
    expect(failed.status).toBe('failed');
    const [n2] = notices(failed.id);
    expect(n2?.raw, dump()).toBeDefined();
    expect(textOf(n2!.raw)).toMatch(/OTC_ERR_DELIVERY_FAILED: 1 of 1 deliveries failed: teams \(.*403/);
    // a template whose run succeeds tells nobody
    const fine = await createTemplate(world.store, world.audit, template({ formats: ['csv'], targets: [], notify }), 'analyst', governance);
    const ok = await runReport(deps, { templateId: fine.id, actor: 'scheduler' });
    expect(ok.status).toBe('completed');
    expect(notices(ok.id)).toHaveLength(0);
  });

  it('refuses an owner notice outside the allow-list or on a channel that carries files only', async () => {
    await expect(createTemplate(world.store, world.audit, template({ notify: { channel: 'email', to: ['me@gmail.test'] } }), 'analyst', governance)).rejects.toMatchObject({ code: 'OTC_ERR_RECIPIENT_NOT_ALLOWED' });
    await expect(createTemplate(world.store, world.audit, template({ notify: { channel: 'fileshare', folder: 'x' } }), 'analyst', governance)).rejects.toMatchObject({ code: 'OTC_ERR_BAD_REPORT_TEMPLATE' });
  });

  it('refuses a recipient outside the allow-list; an external one waits for a second admin (four eyes)', async () => {
    await expect(createTemplate(world.store, world.audit, template({ targets: [{ channel: 'email', to: ['someone@gmail.test'] }] }), 'admin', governance)).rejects.toMatchObject({ code: 'OTC_ERR_RECIPIENT_NOT_ALLOWED' });
    const t = await createTemplate(world.store, world.audit, template({ formats: ['csv'], targets: [{ channel: 'email', to: ['ops@bank.test', 'desk@partner.test'] }] }), 'admin', governance);
    expect(t.approval).toBe('pending');
    await expect(runReport(deps, { templateId: t.id, actor: 'admin' })).rejects.toMatchObject({ code: 'OTC_ERR_REPORT_APPROVAL_NEEDED' });
    await expect(approveTemplate(world.store, world.audit, t.id, { username: 'admin', role: 'admin' })).rejects.toMatchObject({ code: 'OTC_ERR_REPORT_SELF_APPROVAL' });
    await expect(approveTemplate(world.store, world.audit, t.id, { username: 'analyst', role: 'analyst' })).rejects.toMatchObject({ status: 403 });
    const ok = await approveTemplate(world.store, world.audit, t.id, { username: 'second-admin', role: 'admin' });
    expect(ok).toMatchObject({ approval: 'approved', approvedBy: 'second-admin' });
    const run = await runReport(deps, { templateId: t.id, actor: 'admin' });
    expect(run.status).toBe('completed');
    expect(mailsFor(run.id)[0]!.to).toEqual(['ops@bank.test', 'desk@partner.test']);
    expect((await getRun(world.store, run.id)).deliveries[0]!.recipients).toEqual(['ops@bank.test', 'desk@partner.test']);
  });

  it('runs as the scheduler\'s "report" handler under the slot\'s idempotency key; a retried slot delivers nothing twice', async () => {
    const t = await createTemplate(world.store, world.audit, template({ formats: ['csv'], targets: [{ channel: 'email', to: ['ops@bank.test'] }] }), 'analyst', governance);
    const s = createScheduler({ store: world.store, backend: new InProcessBackend(), logger: memoryLogger() });
    registerReportHandler(s, deps);
    const sch = await s.register({ name: 'daily fails', handler: 'report', payload: { templateId: t.id }, spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' }, maxAttempts: 2 }, 'admin');
    const slot = await s.runNow(sch.id, 'admin');
    const [out] = await s.engine.runSlots([slot.id]);
    expect(out!.ok).toBe(true);
    const runs = await world.store.db.selectFrom('report_runs').selectAll().where('template_id', '=', t.id).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.idempotency_key).toBe(`${sch.id}@${slot.scheduledAt}`);
    expect(runs[0]!.actor).toBe('scheduler:daily fails');
    expect(mailsFor(runs[0]!.id)).toHaveLength(1);
    // The same slot handed to the handler again (a retry after a lost claim): the run is found, nothing is sent.
    const { reportRunHandler } = await import('./scheduled.js');
    await reportRunHandler(deps)({ scheduleId: sch.id, scheduleName: 'daily fails', slotId: slot.id, scheduledAt: new Date(slot.scheduledAt), reason: 'manual', idempotencyKey: runs[0]!.idempotency_key, fence: 2, attempt: 2, payload: { templateId: t.id }, signal: new AbortController().signal });
    expect(mailsFor(runs[0]!.id)).toHaveLength(1);
    await s.close();
  });
});
