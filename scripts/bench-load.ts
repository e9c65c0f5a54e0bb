/**
 * Throughput under load (issue 14 item 7): the server started in this process on a demo
 * database, several users signed in through /api/auth/login (no security turned off: the ask
 * rate limit is configured higher, as an operator would for a load test), a mix of questions
 * asked with autocannon over loopback at each concurrency for a bounded time; then the same
 * questions' SQL run through the datasource alone at the same concurrency for the same time;
 * finally the audit chain verified. The audit log is signed as the server's is (an Ed25519 key
 * signs each transaction's head, one checkpoint line per transaction). Ends with one line per concurrency:
 *   load concurrency=N asks_per_s=N p50_ms=N p95_ms=N p99_ms=N errors=N raw_per_s=N chain=ok|broken
 *
 *   npm run bench:load                                  (10, 50, 200 concurrent, 15 s each, 20k trades)
 *   npm run bench:load -- --levels 50 --duration 5 --trades 5000 --log-level info
 *   npm run bench:load -- --levels 50 --cpu-prof /tmp/asks.cpuprofile   (profile of the asking phases)
 * An ask counts as an error when the HTTP status is not 2xx, the connection fails or times out,
 * or the answer's status is not 'answered' (every question of the mix is answered at warm-up).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildServer } from '../src/server/app.js';
import { createTestWorld, TEST_PASSWORD } from '../src/server/testing.js';

const { values: args } = parseArgs({
  options: {
    levels: { type: 'string', default: '10,50,200' },
    duration: { type: 'string', default: '15' },
    trades: { type: 'string', default: '20000' },
    users: { type: 'string', default: '8' },
    'log-level': { type: 'string', default: 'silent' },
    /** Write a V8 CPU profile of the asking phases only (not the set-up, not the datasource-alone runs). */
    'cpu-prof': { type: 'string' },
  },
});
const levels = args.levels.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const duration = Math.max(1, Number(args.duration));
const trades = Math.max(100, Number(args.trades));
const userCount = Math.max(1, Number(args.users));

/** A mix of questions over several tables, each answered by the semantic engine on the demo data. */
const QUESTIONS = [
  'How many trades were booked last week?',
  'Live notional by desk',
  'Top 10 counterparties by number of live trades',
  'How many live trades are bilateral?',
  'Number of counterparties by country',
  'How many confirmations are disputed?',
  'Open confirmations by platform and analyst',
  'Settlement fail rate by counterparty sector this year',
  'Late settlements by counterparty last month',
  'Failed settlement amount by desk this month',
  'Netting breaks by counterparty this week',
  'Total payments due this week in dollars',
];

/**
 * CPU time (ms) so far of this process's main thread, of its other threads (the audit writer,
 * libuv's pool, V8's helpers) and of its child processes alive now (the SQLite query processes),
 * from /proc (Linux; undefined elsewhere). Per ask, it says where the work goes whatever else
 * the machine runs, which throughput on a busy machine cannot.
 */
function cpuNow(): { main: number; threads: number; children: number } | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / 100, sys: (Number(f[12]) * 1000) / 100 }; // utime + stime, USER_HZ 100
  };
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  let main = 0;
  let threads = 0;
  const perThread: Record<string, number> = {};
  for (const tid of readdirSync('/proc/self/task')) {
    const s = read(`/proc/self/task/${tid}/stat`);
    if (!s) continue;
    if (Number(tid) === process.pid) {
      main += ticks(s).ms;
      perThread.mainSys = ticks(s).sys;
    }
    else {
      threads += ticks(s).ms;
      perThread[tid] = ticks(s).ms;
      perThread[`${tid}s`] = ticks(s).sys;
    }
  }
  let children = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = read(`/proc/${pid}/stat`);
    if (!s) continue;
    const t = ticks(s);
    if (t.ppid === process.pid) children += t.ms;
  }
  return { main, threads, children, perThread };
}
/** The busiest other threads' CPU per ask (the audit writer is usually the first). */
const busiest = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>, n: number) =>
  a && b && n
    ? Object.entries(b.perThread)
        .map(([tid, ms]) => [tid, (ms - (a.perThread[tid] ?? 0)) / n] as const)
        .filter(([, ms]) => ms >= 0.01)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 4)
        .map(([tid, ms]) => `${tid} ${ms.toFixed(2)}`)
        .join(', ')
    : '-';
const cpuPer = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>, n: number) =>
  a && b && n ? `main ${((b.main - a.main) / n).toFixed(2)} + threads ${((b.threads - a.threads) / n).toFixed(2)} + query processes ${((b.children - a.children) / n).toFixed(2)} ms` : '-';

const la = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);

console.log(`load benchmark: ${cpus().length} CPUs, load average ${la()}, node ${process.version}; ${trades} trades, ${userCount} users, ${duration} s per level`);
const world = await createTestWorld({ askPerMinute: 1_000_000, logLevel: args['log-level'], maxRows: 1000, queryTimeoutMs: 10_000 }, { trades, signedAudit: true });
const app = await buildServer(world.deps);
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;

  // Users sign in as anyone would: POST /api/auth/login, then the session cookie and the CSRF token.
  const sessions: { cookie: string; csrf: string }[] = [];
  for (let i = 0; i < userCount; i++) {
    const username = `load${i + 1}`;
    await world.auth.createUser({ username, password: TEST_PASSWORD, role: 'analyst', displayName: `Load ${i + 1}` }, 'bench');
    const c = await fetch(`${base}/api/auth/csrf`);
    const csrfCookie = c.headers.getSetCookie().map((x) => x.split(';')[0]!).find((x) => x.startsWith('otc_csrf='))!;
    const { csrfToken } = (await c.json()) as { csrfToken: string };
    const r = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: csrfCookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    if (!r.ok) throw new Error(`sign-in of ${username} failed: ${r.status} ${await r.text()}`);
    const body = (await r.json()) as { csrfToken: string };
    const session = r.headers.getSetCookie().map((x) => x.split(';')[0]!).find((x) => x.startsWith('otc_session='))!;
    sessions.push({ cookie: `${session}; ${csrfCookie}`, csrf: body.csrfToken });
  }

  // Warm-up: each question once; its SQL is what the datasource-alone run executes.
  const sqls: string[] = [];
  for (const question of QUESTIONS) {
    const s = sessions[0]!;
    const r = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ question }) });
    const a = (await r.json()) as { status: string; sql?: string; message?: string };
    if (a.status !== 'answered' || !a.sql) throw new Error(`warm-up: "${question}" was not answered (${r.status} ${a.status} ${a.message ?? ''})`);
    sqls.push(a.sql);
  }

  const profiler = args['cpu-prof'] ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  const lines: string[] = [];
  for (const connections of levels) {
    await profiler?.post('Profiler.start');
    const cpu0 = cpuNow();
    let n = 0;
    let answerErrors = 0;
    const latencies: number[] = [];
    let finished!: (r: autocannon.Result) => void;
    let failed!: (e: unknown) => void;
    const done = new Promise<autocannon.Result>((resolve, reject) => ((finished = resolve), (failed = reject)));
    const inst = autocannon({
      url: base,
      connections,
      duration,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/api/ask',
          setupRequest: (req) => {
            const i = n++;
            const s = sessions[i % sessions.length]!;
            return { ...req, headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ question: QUESTIONS[i % QUESTIONS.length] }) };
          },
          onResponse: (status, body) => {
            if (status < 300 && !body.startsWith('{"status":"answered"') && !body.includes('"status":"answered"')) answerErrors++;
          },
        },
      ],
    }, (err, result) => (err ? failed(err) : finished(result)));
    inst.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
    const res = await done;
    const cpu1 = cpuNow();
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      const file = levels.length > 1 ? args['cpu-prof']!.replace(/(\.cpuprofile)?$/, `-${connections}.cpuprofile`) : args['cpu-prof']!;
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile of the asks at concurrency ${connections}: ${file}`);
    }
    latencies.sort((a, b) => a - b);
    const asks = latencies.length / duration;
    const errors = res.errors + res.timeouts + res.non2xx + answerErrors;
    const load = la();

    // The same SQL through the datasource alone, at the same concurrency, for the same time.
    let raw = 0;
    let rawErrors = 0;
    const cpu2 = cpuNow();
    const until = performance.now() + duration * 1000;
    let k = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const sql = sqls[k++ % sqls.length]!;
          try {
            await world.datasource.query(sql, { maxRows: 1000, timeoutMs: 10_000 });
            raw++;
          } catch {
            rawErrors++;
          }
        }
      }),
    );
    const rawPerS = raw / duration;
    const cpu3 = cpuNow();
    console.log(
      `concurrency ${connections}: ${latencies.length} asks in ${duration} s (${asks.toFixed(1)}/s), p50 ${Math.round(pct(latencies, 50))} ms, p95 ${Math.round(pct(latencies, 95))} ms, p99 ${Math.round(pct(latencies, 99))} ms, ` +
        `errors ${errors} (http ${res.non2xx}, conn ${res.errors}, timeouts ${res.timeouts}, answers ${answerErrors}); datasource alone ${rawPerS.toFixed(1)}/s (${rawErrors} errors); ` +
        `asks/raw ${rawPerS ? ((100 * asks) / rawPerS).toFixed(0) : '-'}%; load average ${load}\n` +
        `  CPU per ask: ${cpuPer(cpu0, cpu1, latencies.length)} (busiest threads: ${busiest(cpu0, cpu1, latencies.length)}); per query through the datasource alone: ${cpuPer(cpu2, cpu3, raw)}`,
    );
    lines.push(`load concurrency=${connections} asks_per_s=${Math.round(asks)} p50_ms=${Math.round(pct(latencies, 50))} p95_ms=${Math.round(pct(latencies, 95))} p99_ms=${Math.round(pct(latencies, 99))} errors=${errors} raw_per_s=${Math.round(rawPerS)}`);
  }

  const v = await world.audit.verify();
  console.log(`audit chain: ${v.ok ? 'ok' : `broken at ${v.brokenAt?.seq}: ${v.brokenAt?.reason}`} (${v.count} records); load average ${la()}`);
  for (const l of lines) console.log(`${l} chain=${v.ok ? 'ok' : 'broken'}`);
} finally {
  await app.close();
  await world.close();
}
