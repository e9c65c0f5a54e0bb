/**
 * Each channel against a real server on loopback: smtp-server for e-mail (the message and its
 * attachment read back), HTTP servers speaking the Slack, Teams, Graph and webhook shapes. Failures
 * on demand: a 4xx is a PermanentDeliveryError, a 5xx or no answer a TransientDeliveryError.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import type { RenderedFile } from '../render/types.js';
import { attachmentOf, graphDouble, slackHandler, startHttp, startSmtp, type TestHttp, type TestSmtp } from '../testing/loopback.js';
import { CHANNELS, deliverTo, type ChannelSettings, type DeliverableReport, type DeliveryContext } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-channels-'));
const csvText = 'counterparty,fails\r\nNorthbridge Capital,12\r\n';
writeFileSync(join(dir, 'fails.csv'), csvText);
const big = Buffer.alloc(7 * 1024 * 1024 + 123, 7); // more than two Graph chunks
writeFileSync(join(dir, 'big.xlsx'), big);
const file = (name: string, format: RenderedFile['format'], content: Buffer | string, rows: number): RenderedFile => ({ name, format, path: join(dir, name), bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex'), rows });
const csv = file('fails.csv', 'csv', csvText, 1);
const xlsx = file('big.xlsx', 'xlsx', big, 1);

const report = (files: RenderedFile[]): DeliverableReport => ({
  runId: 'run-0001-abcdef',
  idempotencyKey: 'tmpl-1:2026-11-20T07:00:00Z',
  title: 'Morning fails',
  asOf: '2026-11-20',
  summary: 'Fails by counterparty: 1 row.',
  files,
  linkFor: (f) => `https://copilot.bank.test/api/reports/runs/run-0001-abcdef/files/${f.name}`,
  runLink: 'https://copilot.bank.test/reports?run=run-0001-abcdef',
});

const base: ChannelSettings = { mailMaxBytes: 1024 * 1024, graphBaseUrl: '', graphLoginUrl: '' };
const ctx = (settings: Partial<ChannelSettings>, timeoutMs = 2000): DeliveryContext => ({ settings: { ...base, ...settings }, timeoutMs, targetKey: 't0' });

let smtp: TestSmtp;
const servers: TestHttp[] = [];
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
async function http(handler: Parameters<typeof startHttp>[0]) {
  const s = await startHttp(handler);
  servers.push(s);
  return s;
}

describe('e-mail (smtp-server on loopback)', () => {
  it('sends the summary and the attachment; the received attachment is the file, byte for byte', async () => {
    const r = await CHANNELS.email(report([csv]), { channel: 'email', to: ['ops@bank.test'] }, ctx({ smtpUrl: smtp.url, mailFrom: 'copilot@bank.test' }));
    expect(r.recipients).toEqual(['ops@bank.test']);
    const m = smtp.messages.at(-1)!;
    expect(m.to).toEqual(['ops@bank.test']);
    expect(m.raw).toContain('Subject: Morning fails (data as of 2026-11-20)');
    expect(m.raw).toContain('Fails by counterparty: 1 row.');
    expect(m.raw).toContain('Message-ID: <tmpl-1:2026-11-20T07:00:00Z.t0@otc-copilot>');
    expect(attachmentOf(m.raw, 'fails.csv')?.toString('utf8')).toBe(csvText);
  });

  it('sends download links instead of attachments above the size limit', async () => {
    await CHANNELS.email(report([csv, xlsx]), { channel: 'email', to: ['ops@bank.test'] }, ctx({ smtpUrl: smtp.url, mailFrom: 'copilot@bank.test', mailMaxBytes: 1024 * 1024 }));
    const m = smtp.messages.at(-1)!;
    expect(attachmentOf(m.raw, 'big.xlsx')).toBeUndefined();
    expect(m.raw).toContain('above the e-mail size limit');
    expect(m.raw.replace(/=\r\n/g, '')).toContain('https://copilot.bank.test/api/reports/runs/run-0001-abcdef/files/big.xlsx');
  });

  it('a 5xx SMTP refusal is permanent, a 4xx is retried, an unreachable server is retried', async () => {
    smtp.refuseWith = 550;
    await expect(CHANNELS.email(report([csv]), { channel: 'email', to: ['x@bank.test'] }, ctx({ smtpUrl: smtp.url, mailFrom: 'c@bank.test' }))).rejects.toBeInstanceOf(PermanentDeliveryError);
    smtp.refuseWith = 451;
    await expect(CHANNELS.email(report([csv]), { channel: 'email', to: ['x@bank.test'] }, ctx({ smtpUrl: smtp.url, mailFrom: 'c@bank.test' }))).rejects.toBeInstanceOf(TransientDeliveryError);
    smtp.refuseWith = undefined;
    await expect(CHANNELS.email(report([csv]), { channel: 'email', to: ['x@bank.test'] }, ctx({ smtpUrl: 'smtp://127.0.0.1:1', mailFrom: 'c@bank.test' }))).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('is not configured without OTC_SMTP_URL, and says which variables to set', async () => {
    await expect(CHANNELS.email(report([csv]), { channel: 'email', to: ['x@bank.test'] }, ctx({}))).rejects.toThrow(/OTC_SMTP_URL/);
  });
});

describe('Slack (incoming webhook + Web API external upload on loopback)', () => {
  it('posts the message to the webhook and uploads each file into the channel', async () => {
    const s = await http(slackHandler);
    const r = await CHANNELS.slack(report([csv]), { channel: 'slack', channelId: 'C0OPS' }, ctx({ slackWebhookUrl: `${s.url}/webhook`, slackBotToken: 'xoxb-secret-token', slackApiUrl: `${s.url}/api/` }));
    const hook = s.requests.find((q) => q.url === '/webhook')!;
    expect(JSON.parse(hook.body.toString()).text).toContain('*Morning fails* (data as of 2026-11-20)');
    const upload = s.requests.find((q) => q.url.startsWith('/upload/'))!;
    expect(upload.body.toString()).toContain('Northbridge Capital,12');
    const complete = s.requests.find((q) => q.url.startsWith('/api/files.completeUploadExternal'))!;
    expect(new URLSearchParams(complete.body.toString()).get('channel_id')).toBe('C0OPS');
    expect(complete.headers.authorization).toBe('Bearer xoxb-secret-token');
    expect(r.details.fileIds).toHaveLength(1);
  });

  it('a 4xx from the webhook is permanent; a 5xx or a platform error on upload is classified', async () => {
    const s = await http(slackHandler);
    const c = ctx({ slackWebhookUrl: `${s.url}/webhook`, slackBotToken: 'xoxb-1', slackApiUrl: `${s.url}/api/` });
    s.fail.push({ status: 404 });
    await expect(CHANNELS.slack(report([csv]), { channel: 'slack', channelId: 'C1' }, c)).rejects.toBeInstanceOf(PermanentDeliveryError);
    s.fail.push({ status: 503 });
    await expect(CHANNELS.slack(report([csv]), { channel: 'slack', channelId: 'C1' }, c)).rejects.toBeInstanceOf(TransientDeliveryError);
    // the webhook accepts, then the Web API says the channel does not exist
    const s2 = await http((req, b) => (req.url.startsWith('/api/') ? { status: 200, json: { ok: false, error: 'channel_not_found' } } : slackHandler(req, b)));
    await expect(CHANNELS.slack(report([csv]), { channel: 'slack', channelId: 'C404' }, ctx({ slackWebhookUrl: `${s2.url}/webhook`, slackBotToken: 'xoxb-1', slackApiUrl: `${s2.url}/api/` }))).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});

describe('Teams (workflow webhook on loopback)', () => {
  it('posts an Adaptive Card with the title, as-of stamp, files and a link', async () => {
    const s = await http(() => ({ status: 202, text: '' }));
    await CHANNELS.teams(report([csv]), { channel: 'teams' }, ctx({ teamsWebhookUrl: `${s.url}/workflows/abc?sig=secret` }));
    const body = JSON.parse(s.requests[0]!.body.toString());
    expect(body.type).toBe('message');
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = body.attachments[0].content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(JSON.stringify(card.body)).toContain('Data as of 2026-11-20');
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: 'https://copilot.bank.test/reports?run=run-0001-abcdef' });
  });

  it('400 is permanent, 500 and no answer are retried; the secret URL is not in the error', async () => {
    const s = await http(() => ({ status: 202, text: '' }));
    const c = ctx({ teamsWebhookUrl: `${s.url}/workflows/abc?sig=very-secret` }, 300);
    s.fail.push({ status: 400 });
    const e400 = await CHANNELS.teams(report([csv]), { channel: 'teams' }, c).catch((e: Error) => e);
    expect(e400).toBeInstanceOf(PermanentDeliveryError);
    expect((e400 as Error).message).not.toContain('very-secret');
    s.fail.push({ status: 500 });
    await expect(CHANNELS.teams(report([csv]), { channel: 'teams' }, c)).rejects.toBeInstanceOf(TransientDeliveryError);
    s.fail.push('hang');
    await expect(CHANNELS.teams(report([csv]), { channel: 'teams' }, c)).rejects.toThrow(/did not answer within 300 ms/);
  });
});

describe('SharePoint / OneDrive (Microsoft Graph upload session on loopback)', () => {
  it('takes an app token, opens an upload session per file and sends the file in ranges', async () => {
    const g = graphDouble();
    const s = await http(g.handler);
    const c = ctx({ graphTenantId: 'tenant-1', graphClientId: 'client-1', graphClientSecret: 'shh', graphDriveId: 'drive-1', graphBaseUrl: `${s.url}/v1.0`, graphLoginUrl: s.url });
    const r = await CHANNELS.sharepoint(report([csv, xlsx]), { channel: 'sharepoint', folder: 'Ops/Reports' }, c);
    const token = s.requests[0]!;
    expect(new URLSearchParams(token.body.toString()).get('grant_type')).toBe('client_credentials');
    const session = s.requests.find((q) => q.url.includes('big.xlsx'))!;
    expect(session.url).toBe('/v1.0/drives/drive-1/root:/Ops/Reports/big.xlsx:/createUploadSession');
    const up = [...g.uploads.values()].find((u) => u.name === 'Ops/Reports/big.xlsx')!;
    expect(up.parts.length).toBe(3);
    expect(Buffer.concat(up.parts).equals(big)).toBe(true);
    expect(s.requests.filter((q) => q.url.startsWith('/upload/')).every((q) => q.headers.authorization === undefined)).toBe(true);
    expect(r.details.items).toEqual([expect.objectContaining({ name: 'fails.csv' }), expect.objectContaining({ name: 'big.xlsx', webUrl: 'https://sharepoint.test/Ops/Reports/big.xlsx' })]);
  });

  it('a refused token (401) is permanent, a 503 on upload is retried', async () => {
    const g = graphDouble();
    const s = await http(g.handler);
    const c = ctx({ graphTenantId: 't', graphClientId: 'c', graphClientSecret: 'x', graphDriveId: 'd', graphBaseUrl: `${s.url}/v1.0`, graphLoginUrl: s.url });
    s.fail.push({ status: 401 });
    await expect(CHANNELS.sharepoint(report([csv]), { channel: 'sharepoint', folder: 'A' }, c)).rejects.toBeInstanceOf(PermanentDeliveryError);
    const s2 = await http((req, b) => (req.url.startsWith('/upload/') ? { status: 503, json: {} } : g.handler(req, b)));
    await expect(CHANNELS.sharepoint(report([csv]), { channel: 'sharepoint', folder: 'A' }, { ...c, settings: { ...c.settings, graphBaseUrl: `${s2.url}/v1.0`, graphLoginUrl: s2.url } })).rejects.toBeInstanceOf(TransientDeliveryError);
  });
});

describe('file share and webhook', () => {
  it('copies the files into a run folder under the root; a folder outside the root is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'otc-share-'));
    try {
      await deliverTo(report([csv]), { channel: 'fileshare', folder: 'ops/daily' }, ctx({ fileShareRoot: root }));
      const runDir = join(root, 'ops/daily', '2026-11-20-run-0001');
      expect(readdirSync(runDir)).toEqual(['fails.csv']);
      expect(readFileSync(join(runDir, 'fails.csv'), 'utf8')).toBe(csvText);
      await expect(deliverTo(report([csv]), { channel: 'fileshare', folder: '../../etc' }, ctx({ fileShareRoot: root }))).rejects.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('posts HMAC-signed JSON with the idempotency key; the signature verifies with the shared secret', async () => {
    const s = await http(() => ({ status: 204 }));
    await deliverTo(report([csv]), { channel: 'webhook', url: `${s.url}/hooks/reports` }, ctx({ webhookSecret: 'shared-secret' }));
    const req = s.requests[0]!;
    const expected = createHmac('sha256', 'shared-secret').update(`${req.headers['x-otc-timestamp']}.${req.body.toString()}`).digest('hex');
    expect(req.headers['x-otc-signature']).toBe(`sha256=${expected}`);
    expect(req.headers['idempotency-key']).toBe('tmpl-1:2026-11-20T07:00:00Z:t0');
    expect(JSON.parse(req.body.toString()).files[0]).toMatchObject({ name: 'fails.csv', sha256: csv.sha256, rows: 1 });
    s.fail.push({ status: 410 });
    await expect(deliverTo(report([csv]), { channel: 'webhook', url: `${s.url}/hooks/reports` }, ctx({ webhookSecret: 'shared-secret' }))).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
