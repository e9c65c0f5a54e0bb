import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'otc-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otc-copilot serve', () => {
  it('builds the demo database on first start, prints the URL and the admin password once, serves, and stops cleanly on SIGTERM', async () => {
    const env = { ...process.env, OTC_DATA_DIR: join(dir, 'data'), OTC_DEMO_TRADES: '300', OTC_TODAY: '2026-11-20', OTC_LOG_LEVEL: 'silent', OTC_ADMIN_PASSWORD: '' };
    const run = async (): Promise<{ out: string; code: number | null; health: number; version: string }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/index.ts'), 'serve', '--port', '0'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /running at (http:\/\/[^\s]+)/.exec(out);
          if (m) {
            clearInterval(t);
            resolve(m[1]!);
          }
        }, 50);
        child.once('exit', (code) => {
          clearInterval(t);
          reject(new Error(`serve exited with ${code}: ${out}`));
        });
      });
      const health = (await fetch(`${url}/healthz`)).status;
      const version = ((await (await fetch(`${url}/api/version`)).json()) as { version: string }).version;
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      return { out, code, health, version };
    };

    const first = await run();
    expect(first.out).toContain('First start: building the demo database');
    expect(first.out).toMatch(/First admin created\. User: admin {2}Password: [A-Za-z0-9]{20}/);
    expect(first.health).toBe(200);
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, 'data', 'demo-ops.db'))).toBe(true);

    const second = await run();
    expect(second.out).not.toContain('First start');
    expect(second.out).not.toContain('Password:');
    expect(second.code).toBe(0);
  }, 120_000);

  it('keeps the one-time admin password in view on a terminal (no request logs), and logs requests as JSON when stdout is not a terminal', async () => {
    // `script` gives the server a pseudo-terminal as stdout, as when a person starts it by hand.
    const start = async (terminal: boolean, extra: Record<string, string> = {}) => {
      const data = join(dir, `tty-${terminal}-${Object.keys(extra).length}`);
      const env = { ...process.env, OTC_DATA_DIR: data, OTC_DEMO_TRADES: '200', OTC_TODAY: '2026-11-20', OTC_LOG_LEVEL: 'info', OTC_ADMIN_PASSWORD: '', ...extra };
      const cmd = [process.execPath, '--import', 'tsx', join(repo, 'src/cli/index.ts'), 'serve', '--port', '0'];
      const child = terminal
        ? spawn('script', ['-qfec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: repo, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
        : spawn(cmd[0]!, cmd.slice(1), { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += String(d)));
      child.stderr!.on('data', (d) => (out += String(d)));
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (/First admin created/.test(out)) (clearInterval(t), resolve());
        }, 50);
        child.once('exit', (code) => (clearInterval(t), reject(new Error(`serve exited with ${code}: ${out}`))));
      });
      const url = /running at (http:\/\/[^\s]+)/.exec(out)![1]!;
      for (let i = 0; i < 5; i++) await fetch(`${url}/api/version`);
      await fetch(`${url}/healthz`);
      const stop = new Promise((r) => child.once('exit', r));
      // the terminal's whole process group (script and the server it started), or the server itself
      if (terminal) process.kill(-child.pid!, 'SIGTERM');
      else child.kill('SIGTERM');
      await stop;
      return out.replace(/\r/g, '');
    };
    const tty = await start(true);
    const afterPassword = tty.slice(tty.indexOf('First admin created'));
    expect(afterPassword).toMatch(/^First admin created\. User: admin {2}Password: [A-Za-z0-9]{20}/);
    expect(tty).not.toMatch(/"message":"(incoming request|request completed)"/);

    const piped = await start(false);
    expect(piped).toMatch(/First admin created\. User: admin {2}Password: [A-Za-z0-9]{20}/);
    const requestLines = piped.split('\n').filter((l) => l.includes('"incoming request"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(6);
    expect(() => requestLines.map((l) => JSON.parse(l))).not.toThrow();

    const forced = await start(true, { OTC_LOG_REQUESTS: 'on' });
    expect(forced).toMatch(/"message":"incoming request"/);
  }, 240_000);

  it('refuses a bad flag with a one-line usage error (exit 2)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/index.ts'), 'serve', '--port', 'abc'], { cwd: repo, env: { ...process.env, OTC_DATA_DIR: join(dir, 'other') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^OTC_ERR_USAGE: --port/);
  });
});
