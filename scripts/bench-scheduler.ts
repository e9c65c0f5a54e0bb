/**
 * Benchmark of the scheduler: N schedules (default 10,000) all due at the same instants (every
 * 20 seconds: :00, :20, :40 of each minute, in a dozen time zones), two
 * rounds, on the in-process backend alone and on BullMQ with two worker processes. Every run posts
 * to a loopback sink, which counts duplicates and keeps each run's lateness (run start minus its
 * scheduled time). Missed = a slot of the measured rounds that never reached the sink.
 *   npm run bench:scheduler [-- --schedules 10000 --rounds 2 --backends in-process,bullmq]
 * Needs Redis at OTC_REDIS_URL or redis://127.0.0.1:6379 for the BullMQ leg, and PostgreSQL
 * (OTC_TEST_PG_URL or 127.0.0.1:5432/test) for its store (--bullmq-store sqlite to use SQLite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { openAuditLog } from '../src/audit/index.js';
import { redisConnection } from '../src/scheduler/backends/bullmq.js';
import { BullmqBackend, createScheduler, InProcessBackend, type Scheduler } from '../src/scheduler/index.js';
import { tempDir } from '../src/scheduler/testing.js';
import { openStore } from '../src/store/index.js';
import { Sink } from './lib/scheduler-sink.js';
import { createTempPgDatabase } from '../test/support/services.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg('schedules', '10000'));
const ROUNDS = Number(arg('rounds', '2'));
const PERIOD_S = 20;
/** Runs at once per process (in-process: the one process; BullMQ: each of the two workers). */
const CONCURRENCY = Number(arg('concurrency', '10000'));
const BACKENDS = arg('backends', 'in-process,bullmq').split(',');
const REDIS_URL = process.env.OTC_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BULLMQ_STORE = arg('bullmq-store', 'postgres');
const ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'Asia/Tokyo', 'Asia/Singapore', 'Asia/Hong_Kong', 'Australia/Sydney', 'Europe/Zurich', 'Asia/Kolkata', 'America/Sao_Paulo'];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function registerAll(s: Scheduler): Promise<void> {
  const inputs = Array.from({ length: N }, (_, i) => ({
    name: `bench ${i}`,
    handler: 'sink',
    spec: { kind: 'cron' as const, expression: `*/${PERIOD_S} * * * * *`, timeZone: ZONES[i % ZONES.length]! },
    catchUp: 'skip' as const,
    timeoutMs: 60_000,
  }));
  for (let i = 0; i < N; i += 1000) await s.registerMany(inputs.slice(i, i + 1000), 'bench');
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./bench-scheduler-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env, OTC_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (c) => reject(new Error(`bench worker exited (${c})`)));
  });
}

interface Result {
  name: string;
  p50: number;
  p99: number;
  max: number;
  duplicates: number;
  missed: number;
  throughput: number;
  runs: number;
  deliveredP50: number;
  deliveredP99: number;
}

async function leg(name: string, sink: Sink): Promise<Result> {
  const dir = tempDir('otc-bench-sched-');
  // The lightweight deployment keeps its store in SQLite; the enterprise one (BullMQ workers) in
  // PostgreSQL, which several worker processes write to at once without blocking each other.
  const pgDb = name === 'bullmq' && BULLMQ_STORE === 'postgres' ? await createTempPgDatabase('otc_bench') : undefined;
  const storeUrl = pgDb?.url ?? `sqlite:${join(dir.path, 'app.db')}`;
  console.log(`[${name}] app store: ${pgDb ? 'PostgreSQL (temporary database)' : 'SQLite'}; audit log: SQLite`);
  const auditUrl = `sqlite:${join(dir.path, 'audit.db')}`;
  const store = await openStore(storeUrl);
  const audit = await openAuditLog(auditUrl);
  const queueName = `otc-bench-${randomUUID()}`;
  const prefix = `otcb${randomUUID().slice(0, 6)}`;
  const workers: ChildProcess[] = [];
  // The API side: registers the schedules (and, with BullMQ, only enqueues). The runs happen in
  // child processes: the in-process scheduler alone, or two BullMQ workers.
  const s =
    name === 'in-process'
      ? createScheduler({ store, audit, backend: new InProcessBackend() })
      : createScheduler({ store, audit, backend: new BullmqBackend({ url: REDIS_URL, role: 'producer', queueName, prefix }) });
  try {
    const t0 = Date.now();
    await registerAll(s);
    await s.engine.drain(); // the registrations' audit records are written before anything is measured
    console.log(`[${name}] ${fmt(N)} schedules registered in ${((Date.now() - t0) / 1000).toFixed(1)} s (cron in ${ZONES.length} time zones)`);
    const env = { BACKEND: name, STORE_URL: storeUrl, AUDIT_URL: auditUrl, REDIS_URL, QUEUE: queueName, PREFIX: prefix, SINK_URL: sink.url, CONCURRENCY: String(CONCURRENCY) };
    if (name === 'bullmq') {
      workers.push(...(await Promise.all([startWorker(env), startWorker(env)])));
      console.log(`[${name}] two worker processes started (16 run jobs at once each, up to 500 slots per job, app store shared)`);
      await s.start();
    } else {
      workers.push(await startWorker(env));
      console.log(`[${name}] one scheduler process started`);
    }
    // Measure rounds that start at least 8 s from now (a round due during registration is run, not measured).
    const period = PERIOD_S * 1000;
    const first = Math.ceil((Date.now() + 8000) / period) * period;
    const rounds = Array.from({ length: ROUNDS }, (_, i) => first + i * period);
    console.log(`[${name}] measuring rounds due at ${rounds.map((r) => new Date(r).toISOString().slice(11, 19)).join(', ')} UTC`);
    await sleep(first - Date.now() - 1000);
    sink.reset();
    const measured = new Set(rounds);
    const last = rounds[rounds.length - 1]!;
    const inWindow = () => sink.hits.filter((h) => measured.has(h.scheduledAt));
    while (Date.now() < last + 30_000) {
      await sleep(250);
      if (Date.now() > last && inWindow().length >= N * ROUNDS) break;
    }
    await sleep(1000); // a duplicate would arrive late
    for (const sc of await s.list()) if (sc.state === 'active') await s.engine.repo.updateSchedule(sc.id, { state: 'paused', next_fire_at: null, updated_at: new Date().toISOString() });
    const hits = inWindow();
    const counts = new Map<string, number>();
    for (const h of sink.hits) counts.set(h.key, (counts.get(h.key) ?? 0) + 1);
    const duplicates = [...counts.values()].reduce((a, c) => a + (c > 1 ? c - 1 : 0), 0);
    const uniqueInWindow = new Set(hits.map((h) => h.key)).size;
    const missed = N * ROUNDS - uniqueInWindow;
    const lateness = hits.map((h) => h.startedAt - h.scheduledAt);
    const delivered = hits.map((h) => h.receivedAt - h.scheduledAt);
    const perRound = rounds.map((r) => {
      const rh = hits.filter((h) => h.scheduledAt === r);
      const end = Math.max(...rh.map((h) => h.receivedAt));
      return rh.length / Math.max(0.001, (end - r) / 1000);
    });
    const throughput = perRound.reduce((a, b) => a + b, 0) / perRound.length;
    return { name, p50: pct(lateness, 50), p99: pct(lateness, 99), max: Math.max(...lateness), duplicates, missed, throughput, runs: hits.length, deliveredP50: pct(delivered, 50), deliveredP99: pct(delivered, 99) };
  } finally {
    for (const w of workers) {
      w.kill('SIGTERM');
      await new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)));
    }
    await s.close();
    if (name === 'bullmq') {
      const q = new Queue(queueName, { connection: redisConnection(REDIS_URL), prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await audit.close();
    await store.close();
    await pgDb?.drop();
    dir.remove();
  }
}

console.log(`scheduler benchmark: ${fmt(N)} schedules due every ${PERIOD_S} s, ${ROUNDS} rounds measured per backend, up to ${fmt(CONCURRENCY)} runs at once per process; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
const sink = new Sink();
await sink.start();
const results: Result[] = [];
try {
  for (const b of BACKENDS) {
    const r = await leg(b, sink);
    results.push(r);
    console.log(`[${b}] runs ${fmt(r.runs)}; fire lateness (run start - scheduled time) p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; at the sink p50 ${r.deliveredP50} ms, p99 ${r.deliveredP99} ms; duplicates ${r.duplicates}, missed ${r.missed}; throughput ${fmt(r.throughput)} runs/s to the loopback sink`);
  }
} finally {
  await sink.close();
}
for (const r of results) console.log(`scheduler backend=${r.name} lateness_p50_ms=${r.p50} lateness_p99_ms=${r.p99} duplicates=${r.duplicates} missed=${r.missed}`);
