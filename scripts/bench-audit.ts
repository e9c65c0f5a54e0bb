/**
 * Audit benchmark: builds N audit records (default 1,000,000) in a temporary SQLite audit log
 * through the real chain code (appendMany: validation, canonical JSON, SHA-256 chain, signed
 * head, in batches of 10,000), then measures
 *   - search p95 over three typical auditor filters, each with keyset paging (page 1 and 2):
 *     user; kind + outcome + the last day; datasource (engine) + kind;
 *   - export throughput (all records as JSONL, with the signed-manifest summary);
 *   - `audit verify` time (whole chain, head signature and checkpoint file checked).
 * Ends with one line: `audit records=N search_p95_ms=N export_records_per_s=N verify_s=N`.
 *
 *   npm run bench:audit [-- --records N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openAuditLog, type AuditEntry } from '../src/audit/index.js';
import { loadSigningKey } from '../src/audit/signing.js';
import { arg } from './lib/bench-args.js';

const N = Number(arg('records', '1000000'));
const BATCH = 10_000;
const USERS = 200;
const ENGINES = ['semantic', 'llm:gateway', 'sql:dwh'];
const KINDS: AuditEntry['kind'][] = ['question', 'sql_generated', 'query_run', 'llm_call', 'refusal', 'error', 'report_run', 'delivery', 'sign_in'];
const OUTCOMES: AuditEntry['outcome'][] = ['ok', 'ok', 'ok', 'ok', 'refused', 'error', 'completed'];

/** A deterministic, varied stream of entries (a small LCG: same records every run). */
function entries(start: number, n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = start; i < start + n; i++) {
    const r = (Math.imul(i, 2654435761) >>> 0) / 2 ** 32;
    const kind = KINDS[i % KINDS.length]!;
    const book = `B${Math.floor(r * 5000)}`;
    const e: AuditEntry = {
      kind,
      actor: `user${Math.floor(r * 7919 + i) % USERS}`,
      outcome: OUTCOMES[Math.floor(r * 97) % OUTCOMES.length]!,
      question: `how many open breaks for book ${book} as of today?`,
      engine: ENGINES[Math.floor(r * 31) % ENGINES.length]!,
      correlationId: `corr-${Math.floor(i / 4)}`,
      durationMs: Math.floor(r * 900),
    };
    if (kind === 'sql_generated' || kind === 'query_run') e.sql = `SELECT COUNT(*) FROM breaks WHERE book = '${book}' AND status = 'open'`;
    if (kind === 'query_run') {
      e.rowCount = Math.floor(r * 100);
      e.resultHash = (i.toString(16) + '0'.repeat(64)).slice(0, 64);
    }
    if (i % 7 === 0) e.details = { datasource: e.engine, code: kind === 'error' ? 'OTC_ERR_TIMEOUT' : null, n: i };
    out.push(e);
  }
  return out;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'otc-bench-audit-'));
try {
  const keys = loadSigningKey(join(dir, 'audit-signing.key'), { create: true });
  const integrity = { keys, checkpointFile: join(dir, 'audit-checkpoints.jsonl'), checkpointEvery: 100_000 };
  const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`, { integrity });
  let t0 = performance.now();
  for (let done = 0; done < N; done += BATCH) {
    await log.appendMany(entries(done, Math.min(BATCH, N - done)));
    if ((done + BATCH) % 200_000 === 0) process.stderr.write(`  built ${(done + BATCH).toLocaleString('en-US')} records (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  const buildS = (performance.now() - t0) / 1000;
  console.log(`build: ${N} records in ${buildS.toFixed(1)} s (${Math.round(N / buildS)} records/s, through the chain code)`);

  // Three typical auditor filters, 20 parameter sets each, page 1 and then page 2 (keyset).
  const lastDay = new Date(Date.now() - 86_400_000).toISOString();
  const filters: [string, (k: number) => Parameters<typeof log.search>[0]][] = [
    ['user', (k) => ({ actor: `user${(k * 37) % USERS}` })],
    ['kind+outcome+last day', (k) => ({ kind: KINDS[k % KINDS.length]!, outcome: k % 2 ? 'error' : 'ok', from: lastDay })],
    ['datasource+kind', (k) => ({ engine: ENGINES[k % ENGINES.length]!, kind: KINDS[(k * 5) % KINDS.length]! })],
  ];
  const all: number[] = [];
  for (const [name, make] of filters) {
    const times: number[] = [];
    for (let k = 0; k < 20; k++) {
      let t = performance.now();
      const page1 = await log.search({ ...make(k), limit: 50 });
      times.push(performance.now() - t);
      if (page1.length === 50) {
        t = performance.now();
        await log.search({ ...make(k), limit: 50, beforeSeq: page1[49]!.seq });
        times.push(performance.now() - t);
      }
    }
    console.log(`search ${name}: p95 ${p95(times).toFixed(1)} ms over ${times.length} pages`);
    all.push(...times);
  }
  // Free text (question or SQL substring) is a scan: reported, not part of the p95 goal.
  const textTimes: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    await log.search({ text: `book B${(k * 997) % 5000} `, limit: 50 });
    textTimes.push(performance.now() - t);
  }
  console.log(`search text (substring, not indexed): p95 ${p95(textTimes).toFixed(0)} ms over ${textTimes.length} searches`);
  const searchP95 = p95(all);

  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  t0 = performance.now();
  const sum = await log.exportWithSummary({}, 'jsonl', sink);
  const exportS = (performance.now() - t0) / 1000;
  const exportRate = Math.round(sum.count / exportS);
  console.log(`export: ${sum.count} records, ${(bytes / 1e6).toFixed(0)} MB JSONL in ${exportS.toFixed(1)} s`);

  t0 = performance.now();
  const v = await log.verify();
  const verifyS = (performance.now() - t0) / 1000;
  if (!v.ok) throw new Error(`verify failed: ${JSON.stringify(v.brokenAt)}`);
  console.log(`verify: ${v.count} records intact in ${verifyS.toFixed(1)} s; last signed checkpoint #${v.lastCheckpoint?.seq}`);
  await log.close();
  console.log(`audit records=${N} search_p95_ms=${Math.round(searchP95)} export_records_per_s=${exportRate} verify_s=${verifyS.toFixed(1)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
