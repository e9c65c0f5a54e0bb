/**
 * The product's own processes for the multi-process tests: `otc-copilot serve` and `otc-copilot
 * worker` started from the sources (tsx) as child processes, a cookie-keeping HTTP client, and a
 * server-sent events reader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface ProductProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

const started = new Set<ChildProcess>();

/** Kills (SIGKILL) every product process still running: for a test's afterAll, after the clean stops. */
export function killLeftovers(): void {
  for (const c of started) c.kill('SIGKILL');
}

/** Starts `otc-copilot <args>` and resolves once `ready` matches its output (rejects when it exits first). */
export async function startProduct(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 240_000): Promise<ProductProcess & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/index.ts'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never left behind
      reject(new Error(`otc-copilot ${args[0]} not ready after ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const m = ready.exec(out);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(m);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`otc-copilot ${args[0]} exited (${code}) before it was ready: ${out}`));
    });
  });
  return {
    child,
    match,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The environment of a product process: this one's without OTC_* settings, plus `env`. */
export function productEnv(env: Record<string, string>): Record<string, string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('OTC_') && v !== undefined)) as Record<string, string>;
  return { ...clean, ...env };
}

/** A browser-like client of one API process: keeps its cookies, sends the CSRF token on writes. */
export class ApiClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string) {}

  /** The same cookies and CSRF token (one browser) against another process. */
  on(base: string): ApiClient {
    const c = new ApiClient(base);
    c.cookies = this.cookies;
    c.csrf = this.csrf;
    return c;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    this.keep(res);
    const text = await res.text();
    let json: any = text;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, json };
  }

  async signIn(username: string, password: string): Promise<{ status: number; json: any }> {
    const c = await this.call('GET', '/api/auth/csrf');
    this.csrf = c.json.csrfToken;
    const r = await this.call('POST', '/api/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.json.csrfToken;
    return r;
  }

  /** Opens GET /api/events (or another event stream, e.g. a dashboard's) and collects the events it pushes. */
  async events(path = '/api/events'): Promise<EventStream> {
    const ac = new AbortController();
    const res = await fetch(this.base + path, { headers: { cookie: this.cookieHeader(), accept: 'text/event-stream' }, signal: ac.signal });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return new EventStream(res, ac);
  }
}

export interface PushedEvent {
  event: string;
  data: any;
}

export class EventStream {
  readonly received: PushedEvent[] = [];
  /** Resolves once the server has said it is connected (its first comment). */
  readonly connected: Promise<void>;
  private waiters: Array<() => void> = [];
  ended = false;

  constructor(
    res: Response,
    private readonly ac: AbortController,
  ) {
    let markConnected!: () => void;
    this.connected = new Promise((r) => (markConnected = r));
    void (async () => {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (block.includes(': connected')) markConnected();
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) this.received.push({ event, data: JSON.parse(data) });
            for (const w of this.waiters.splice(0)) w();
          }
        }
      } catch {
        /* aborted */
      }
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    })();
  }

  /** The first received event that `match` accepts; rejects after `timeoutMs`. */
  async waitFor(match: (e: PushedEvent) => boolean, timeoutMs = 30_000): Promise<PushedEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(match);
      if (hit) return hit;
      if (this.ended) throw new Error(`the event stream ended; received: ${JSON.stringify(this.received)}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; received: ${JSON.stringify(this.received)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.ac.abort();
  }
}
