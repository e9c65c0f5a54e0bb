/**
 * Fuzzing the CLI's flags (issue 14 item 8): the commands and their flags are read from the
 * commander definitions themselves (src/cli/commands), so a flag added later is fuzzed too.
 * fast-check draws a command (every leaf but `serve`, which does not return), a subset of its
 * flags with values (URLs good and bad, paths existing and not, numbers out of range, hostile
 * text), positional arguments and now and then an unknown flag, and runs the built CLI
 * (bin/otc-copilot.js -> dist/). Every run must exit 0, 1 or 2 (never a crash or a signal),
 * print no stack trace or source path, say why on stderr with an OTC_ERR_* code when it fails,
 * and leave no file behind at an --out path when it fails. The audit log the runs appended to
 * verifies after.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { askCommand } from '../../src/cli/commands/ask.js';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { configCommand } from '../../src/cli/commands/config.js';
import { contextCommand } from '../../src/cli/commands/context.js';
import { demoDbCommand } from '../../src/cli/commands/demo-db.js';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { guardCommand } from '../../src/cli/commands/guard.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { buildDemoDatabase } from '../../src/demo/index.js';

const root = new URL('../../', import.meta.url).pathname;
/** CLI runs (each spawns node: a second or so). */
const RUNS = 30;

interface Leaf {
  words: string[];
  flags: { long: string; takesValue: boolean }[];
  args: { required: boolean }[];
}

function leaves(cmd: Command, prefix: string[] = []): Leaf[] {
  const words = [...prefix, cmd.name()];
  if (cmd.commands.length) return cmd.commands.flatMap((c) => leaves(c, words));
  return [
    {
      words,
      flags: cmd.options.filter((o) => o.long).map((o) => ({ long: o.long!, takesValue: o.required || o.optional })),
      args: cmd.registeredArguments.map((a) => ({ required: a.required })),
    },
  ];
}

const LEAVES = [askCommand, auditCommand, configCommand, contextCommand, demoDbCommand, evalCommand, guardCommand, trainCommand].flatMap((c) => leaves(c));

let dir: string;
let demoDb: string;
let cases = 0;
const exits: Record<string, number> = {};

function valueArb(flag: string): fc.Arbitrary<string> {
  const hostile = fc.constantFrom('x\ud800', "'; DROP TABLE t; --", '../../etc/passwd', '', '-', '--', 'ü'.repeat(50), '%00');
  const paths = fc.constantFrom(join(dir, 'nowhere', 'x.db'), join(dir, 'text.db'), dir, join(dir, 'out-' + Math.random().toString(36).slice(2)), '/dev/null');
  const urls = fc.constantFrom(`sqlite:${demoDb}`, `sqlite:${join(dir, 'text.db')}`, `sqlite:${join(dir, 'missing.db')}`, 'postgres://nobody:pw@127.0.0.1:1/none', 'mssql://sa:pw@127.0.0.1:1/x', 'mysql://x', 'sqlite:', 'not a url');
  const numbers = fc.constantFrom('-1', '0', '3', 'abc', '2.5', '1e3', 'NaN');
  const dates = fc.constantFrom('2026-11-20', '2026-02-30', 'yesterday', '20261120', '9999-12-31');
  if (/db|audit|store/.test(flag)) return fc.oneof(urls, hostile);
  if (/out|model|questions/.test(flag)) return fc.oneof(paths, hostile);
  if (/rows|timeout|trades|seed|tokens|from|port/.test(flag)) return fc.oneof(numbers, hostile);
  if (/today|as-of|to\b/.test(flag)) return fc.oneof(dates, hostile);
  return fc.oneof(hostile, fc.string({ maxLength: 20 }), numbers, fc.constantFrom('table', 'json', 'csv', 'jsonl', 'sqlite', 'postgres', 'mssql'));
}

function run(args: string[]): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTC_')) env[k] = v;
    const child = spawn(process.execPath, [join(root, 'bin/otc-copilot.js'), ...args], { cwd: dir, env: { ...env, OTC_DATA_DIR: join(dir, 'data'), OTC_TODAY: '2026-11-20' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli/index.js'))) throw new Error('the CLI is not built: run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'otc-cli-fuzz-'));
  mkdirSync(join(dir, 'data'));
  symlinkSync(join(root, 'profiles'), join(dir, 'profiles'));
  writeFileSync(join(dir, 'text.db'), 'not a database\n');
  demoDb = join(dir, 'demo.db');
  await buildDemoDatabase({ out: demoDb, trades: 200, seed: 7, asOf: '2026-11-20' });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the CLI under fuzzed flags', () => {
  it('reads the commands and their flags from the commander definitions', () => {
    expect(LEAVES.map((l) => l.words.join(' '))).toEqual(expect.arrayContaining(['ask', 'audit verify', 'train import', 'demo-db', 'eval']));
  });

  it('exits 0, 1 or 2 with no stack trace, says why with a code, leaves nothing at --out when it fails', async () => {
    const caseArb = fc.constantFrom(...LEAVES).chain((leaf) =>
      fc.record({
        leaf: fc.constant(leaf),
        flags: fc.subarray(leaf.flags).chain((fs) => fc.tuple(...fs.map((f) => (f.takesValue ? valueArb(f.long).map((v) => [f.long, v]) : fc.constant([f.long]))))),
        args: fc.tuple(...leaf.args.map(() => fc.oneof(fc.constantFrom('How many trades were booked last week?', 'SELECT 1', '1', 'active', 'profiles/otc-ops', join(dir, 'text.db')), valueArb('x')))),
        extra: fc.option(fc.constantFrom('--no-such-flag', '-z', '--db', '--help'), { nil: undefined, freq: 5 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ leaf, flags, args, extra }) => {
        cases++;
        const argv = [...leaf.words, ...args, ...flags.flat(), ...(extra ? [extra] : [])];
        const outs = flags.filter(([f]) => f === '--out').map(([, v]) => v!).filter((v) => v.includes('out-'));
        const r = await run(argv);
        exits[String(r.code)] = (exits[String(r.code)] ?? 0) + 1;
        const what = `otc-copilot ${JSON.stringify(argv)} -> ${r.code ?? r.signal}\n${r.err.slice(0, 600)}`;
        expect(r.signal, what).toBeNull();
        expect([0, 1, 2], what).toContain(r.code);
        expect(r.err + r.out, what).not.toMatch(/^\s+at \S/m);
        expect(r.err, what).not.toMatch(/node_modules|\/src\/\w+\/[\w/-]+\.[jt]s:\d+/);
        if (r.code !== 0) {
          expect(r.err, what).toMatch(/^OTC_ERR_[A-Z0-9_]+: /m);
          for (const o of outs) expect(existsSync(o), `${what}\nleft ${o}`).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`CLI fuzz: ${cases} runs over ${LEAVES.length} commands; exit codes ${JSON.stringify(exits)}`);
  }, 900_000);

  it('the audit log the runs wrote to verifies', async () => {
    const file = join(dir, 'data', 'audit.db');
    if (!existsSync(file)) return;
    const log = await openAuditLog(`sqlite:${file}`);
    try {
      expect((await log.verify()).ok).toBe(true);
    } finally {
      await log.close();
    }
  });
});
