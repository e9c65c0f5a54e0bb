/**
 * Real servers on loopback for the channel tests: an SMTP server (smtp-server) that keeps the
 * messages it receives, and small HTTP servers that speak the Slack, Teams, Graph and webhook
 * request shapes and fail on demand (4xx, 5xx, no answer).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** The SMTP reply code to refuse the next recipients with (e.g. 550, 451); undefined accepts. */
  refuseWith?: number;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = { url: '', messages: [], close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (state.refuseWith) {
        const e = new Error(state.refuseWith >= 500 ? 'mailbox unavailable' : 'try again later') as Error & { responseCode: number };
        e.responseCode = state.refuseWith;
        return cb(e);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** The body of a MIME part attached as `filename`, decoded (base64 or plain). */
export function attachmentOf(raw: string, filename: string): Buffer | undefined {
  const at = raw.indexOf(`filename=${filename}`) >= 0 ? raw.indexOf(`filename=${filename}`) : raw.indexOf(`filename="${filename}"`);
  if (at < 0) return undefined;
  const head = raw.lastIndexOf('\r\n--', at);
  const headers = raw.slice(head, raw.indexOf('\r\n\r\n', at));
  const start = raw.indexOf('\r\n\r\n', at) + 4;
  const end = raw.indexOf('\r\n--', start);
  const body = raw.slice(start, end);
  return /content-transfer-encoding:\s*base64/i.test(headers) ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body);
}

/** The plain-text body of a message (a single part or its text/plain part), quoted-printable or base64 decoded. */
export function textOf(raw: string): string {
  const part = /content-type:\s*multipart\//i.test(raw.slice(0, raw.indexOf('\r\n\r\n'))) ? raw.slice(raw.search(/content-type:\s*text\/plain/i)) : raw;
  const headers = part.slice(0, part.indexOf('\r\n\r\n'));
  let body = part.slice(part.indexOf('\r\n\r\n') + 4);
  const boundary = body.indexOf('\r\n--');
  if (part !== raw && boundary >= 0) body = body.slice(0, boundary);
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(headers)) return body;
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Failure = { status: number } | 'hang';

export interface TestHttp {
  url: string;
  requests: Recorded[];
  /** Failures served to the next requests, in order (then normal answers again). */
  fail: Failure[];
  close(): Promise<void>;
}

/** An HTTP server that records every request and answers with `handler` unless a failure is queued. */
export async function startHttp(handler: (req: Recorded, base: string) => { status: number; json?: unknown; text?: string }): Promise<TestHttp> {
  const state: TestHttp = { url: '', requests: [], fail: [], close: async () => undefined };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      state.requests.push(rec);
      const f = state.fail.shift();
      if (f === 'hang') {
        hanging.add(res);
        return;
      }
      if (f) {
        res.writeHead(f.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: `failed on demand (${f.status})` }));
        return;
      }
      const out = handler(rec, state.url);
      if (out.json !== undefined) res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.json));
      else res.writeHead(out.status, { 'content-type': 'text/plain' }).end(out.text ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A Slack double: incoming webhook at /webhook, Web API at /api/ (external upload flow). */
export function slackHandler(req: Recorded, base: string): { status: number; json?: unknown; text?: string } {
  if (req.url === '/webhook') return { status: 200, text: 'ok' };
  if (req.url.startsWith('/api/files.getUploadURLExternal')) {
    const n = 1 + Math.floor(Math.random() * 1e6);
    return { status: 200, json: { ok: true, upload_url: `${base}/upload/F${n}`, file_id: `F${n}` } };
  }
  if (req.url.startsWith('/upload/')) return { status: 200, text: 'OK' };
  if (req.url.startsWith('/api/files.completeUploadExternal')) {
    const files = JSON.parse(new URLSearchParams(req.body.toString()).get('files') ?? '[]') as { id: string }[];
    return { status: 200, json: { ok: true, files: files.map((f) => ({ id: f.id })) } };
  }
  return { status: 404, json: { ok: false, error: 'unknown_method' } };
}

/** A Microsoft Graph double: token endpoint, createUploadSession, and the upload URL taking ranges. */
export function graphDouble() {
  const uploads = new Map<string, { name: string; parts: Buffer[]; total: number }>();
  const handler = (req: Recorded, base: string): { status: number; json?: unknown } => {
    if (req.url.endsWith('/oauth2/v2.0/token')) return { status: 200, json: { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token-1' } };
    const m = /^\/v1\.0\/drives\/([^/]+)\/root:\/(.+):\/createUploadSession$/.exec(req.url);
    if (m && req.method === 'POST') {
      if (req.headers.authorization !== 'Bearer graph-token-1') return { status: 401, json: { error: { code: 'InvalidAuthenticationToken' } } };
      const id = `S${uploads.size + 1}`;
      uploads.set(id, { name: decodeURIComponent(m[2]!), parts: [], total: 0 });
      return { status: 200, json: { uploadUrl: `${base}/upload/${id}`, expirationDateTime: '2030-01-01T00:00:00Z' } };
    }
    const u = /^\/upload\/(S\d+)$/.exec(req.url);
    if (u && req.method === 'PUT') {
      const up = uploads.get(u[1]!)!;
      const range = /bytes (\d+)-(\d+)\/(\d+)/.exec(String(req.headers['content-range']))!;
      up.parts.push(req.body);
      up.total = Number(range[3]);
      const received = up.parts.reduce((s, p) => s + p.length, 0);
      if (received < up.total) return { status: 202, json: { nextExpectedRanges: [`${received}-`] } };
      return { status: 201, json: { id: `item-${u[1]}`, name: up.name, webUrl: `https://sharepoint.test/${up.name}`, size: up.total } };
    }
    return { status: 404, json: { error: { code: 'itemNotFound' } } };
  };
  return { handler, uploads };
}
