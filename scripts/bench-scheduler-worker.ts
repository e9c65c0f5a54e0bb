/**
 * A scheduler process for `npm run bench:scheduler`: a BullMQ worker (BACKEND=bullmq), or the
 * in-process scheduler alone as `serve` runs it (BACKEND=in-process). The 'sink' handler posts
 * each run to the benchmark's loopback sink.
 * env: BACKEND, STORE_URL, AUDIT_URL, REDIS_URL, QUEUE, PREFIX, SINK_URL, CONCURRENCY.
 */
import { openAuditLog } from '../src/audit/index.js';
import { BullmqBackend, createScheduler, InProcessBackend } from '../src/scheduler/index.js';
import { openStore } from '../src/store/index.js';
import { sinkHandler } from './lib/scheduler-sink.js';

const env = process.env;
const store = await openStore(env.STORE_URL!);
const audit = env.AUDIT_URL ? await openAuditLog(env.AUDIT_URL) : undefined;
const s = createScheduler({
  store,
  audit,
  backend: env.BACKEND === 'in-process' ? new InProcessBackend() : new BullmqBackend({ url: env.REDIS_URL!, role: 'worker', queueName: env.QUEUE, prefix: env.PREFIX, concurrency: 16, runBatch: 500 }),
  concurrency: Number(env.CONCURRENCY ?? 500),
});
s.registerHandler('sink', sinkHandler(env.SINK_URL!));
await s.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    await s.close();
    await audit?.close();
    await store.close();
    process.exit(0);
  })();
});
