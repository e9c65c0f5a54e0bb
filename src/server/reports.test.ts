/**
 * The reports API: create a template from a saved question, run it now (delivered to a real
 * SMTP server on loopback), see it in the run history with its receipts, download a past file
 * (audited), and the roles and four-eyes rules over HTTP.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentOf, startSmtp, type TestSmtp } from '../reports/testing/loopback.js';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
let smtp: TestSmtp;
const sessions: Record<string, { cookie: string; csrf: string }> = {};
const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

beforeAll(async () => {
  world = await createTestWorld({ maxRows: 100 });
  smtp = await startSmtp();
  app = await buildServer({
    ...world.deps,
    reports: {
      reportDir: join(world.dir, 'reports'),
      maxRows: 100,
      governance: { allowedDomains: ['bank.test', 'partner.test'], internalDomains: ['bank.test'] },
      deliveryAttempts: 2,
      deliveryBackoffMs: 1,
      deliveryTimeoutMs: 2000,
      readinessIntervalMs: 10,
      channels: { smtpUrl: smtp.url, mailFrom: 'copilot@bank.test', mailMaxBytes: 5e6, graphBaseUrl: 'http://127.0.0.1:1', graphLoginUrl: 'http://127.0.0.1:1' },
    },
  });
  for (const username of ['analyst', 'viewer', 'admin']) {
    const r0 = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
    const secret = cookiesOf(r0).otc_csrf!;
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': r0.json().csrfToken }, payload: { username, password: TEST_PASSWORD } });
    sessions[username] = { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, csrf: r.json().csrfToken };
  }
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await world?.close();
});

const call = (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { cookie: sessions[user]!.cookie, 'x-csrf-token': sessions[user]!.csrf }, ...(payload !== undefined ? { payload: payload as object } : {}) });

describe('reports API', () => {
  it('template -> run now -> e-mail with the attachment -> history with receipts -> download, all audited', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    const saved = (await call('analyst', 'POST', '/api/saved', { auditId: a.auditId, title: 'Fails by counterparty' })).json();
    const created = await call('analyst', 'POST', '/api/reports/templates', { title: 'Daily fails', intro: 'Stand-up', items: [{ savedId: saved.id }], formats: ['csv', 'pdf'], targets: [{ channel: 'email', to: ['ops@bank.test'] }] });
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t.approval).toBe('not_needed');
    const run = (await call('analyst', 'POST', `/api/reports/templates/${t.id}/run`, {})).json();
    expect(run).toMatchObject({ status: 'completed', templateId: t.id });
    expect(run.deliveries[0]).toMatchObject({ channel: 'email', status: 'delivered', recipients: ['ops@bank.test'] });
    const mail = smtp.messages.find((m) => m.raw.toLowerCase().includes(`x-otc-run-id: ${run.id}`))!;
    const csv = attachmentOf(mail.raw, 'daily-fails.csv')!;
    expect(createHash('sha256').update(csv).digest('hex')).toBe(run.files.find((f: { name: string }) => f.name === 'daily-fails.csv').sha256);

    const history = (await call('analyst', 'GET', `/api/reports/runs?templateId=${t.id}&status=completed`)).json();
    expect(history.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect((await call('analyst', 'GET', `/api/reports/runs?templateId=${t.id}&status=failed`)).json()).toEqual([]);
    const dl = await call('analyst', 'GET', `/api/reports/runs/${run.id}/files/daily-fails.csv`);
    expect(dl.statusCode).toBe(200);
    expect(Buffer.from(dl.rawPayload).equals(csv)).toBe(true);
    const recs = (await world.audit.search({ text: run.id, limit: 50 })).filter((r) => r.correlationId === run.id);
    expect(recs.some((r) => r.details?.action === 'download')).toBe(true);
    expect(recs.filter((r) => r.kind === 'delivery').length).toBe(2);

    // Roles: a viewer cannot create or run; another analyst's run is not shown to a viewer.
    expect((await call('viewer', 'POST', `/api/reports/templates/${t.id}/run`, {})).statusCode).toBe(403);
    expect((await call('viewer', 'GET', `/api/reports/runs/${run.id}`)).statusCode).toBe(403);
    expect((await call('analyst', 'POST', `/api/reports/templates/${t.id}/pause`)).json().paused).toBe(true);
  });

  it('an external recipient waits for a second admin; the owner cannot approve it', async () => {
    const a = (await call('admin', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    const saved = (await call('admin', 'POST', '/api/saved', { auditId: a.auditId })).json();
    const t = (await call('admin', 'POST', '/api/reports/templates', { title: 'To the partner', items: [{ savedId: saved.id }], formats: ['csv'], targets: [{ channel: 'email', to: ['desk@partner.test'] }] })).json();
    expect(t.approval).toBe('pending');
    const blocked = await call('admin', 'POST', `/api/reports/templates/${t.id}/run`, {});
    expect(blocked.json().code).toBe('OTC_ERR_REPORT_APPROVAL_NEEDED');
    expect((await call('admin', 'POST', `/api/reports/templates/${t.id}/approve`)).json().code).toBe('OTC_ERR_REPORT_SELF_APPROVAL');
    const bad = await call('admin', 'POST', '/api/reports/templates', { title: 'x', items: [{ savedId: saved.id }], formats: ['csv'], targets: [{ channel: 'email', to: ['a@elsewhere.test'] }] });
    expect(bad.json().code).toBe('OTC_ERR_RECIPIENT_NOT_ALLOWED');
  });

  it('a template carries its owner notice target; a channel that carries only files is a 400', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    const saved = (await call('analyst', 'POST', '/api/saved', { auditId: a.auditId })).json();
    const body = { title: 'Told on failure', items: [{ savedId: saved.id }], formats: ['csv'], targets: [] };
    const ok = await call('analyst', 'POST', '/api/reports/templates', { ...body, notify: { channel: 'email', to: ['analyst@bank.test'] } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().notify).toEqual({ channel: 'email', to: ['analyst@bank.test'] });
    const listed = (await call('analyst', 'GET', '/api/reports/templates')).json() as { id: string; notify: unknown }[];
    expect(listed.find((t) => t.id === ok.json().id)?.notify).toEqual({ channel: 'email', to: ['analyst@bank.test'] });
    const bad = await call('analyst', 'POST', '/api/reports/templates', { ...body, notify: { channel: 'fileshare', folder: 'x' } });
    expect(bad.statusCode).toBe(400);
  });
});
