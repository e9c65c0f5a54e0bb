/**
 * Bad input at the command line, as a bank's IT department tries it before rollout. The rule:
 * a malformed URL, an unreachable database, a missing or corrupt file, a bad flag, a bad
 * configuration give ONE line on stderr with a stable code (OTC_ERR_*), no stack trace, exit 2
 * for usage/configuration and 1 otherwise, never a password, and nothing half-written.
 * Spawns the built CLI (bin/otc-copilot.js -> dist/).
 */
import { execSync, spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const BENCH_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
const SECRET = 's3cretPW';

let dir: string;
let opsDb: string; // a private copy of the benchmark database (the shared file is never written)
let model: string; // a private copy of the training profile
let textDb: string; // a text file named .db
let store: string;
let audit: string;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** The environment without any OTC_* setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTC_')) env[k] = v;
  return { ...env, OTC_DATA_DIR: join(dir, 'data'), ...extra };
}

function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Run {
  const r = spawnSync(process.execPath, [join(root, 'bin/otc-copilot.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    input: opts.input ?? '',
    env: cleanEnv(opts.env ?? {}),
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The rule every failure must follow. */
function expectFailure(r: Run, code: string, exit: 1 | 2): string {
  const line = r.err.replace(/\n$/, '');
  expect(line.split('\n'), `stderr: ${r.err}`).toHaveLength(1);
  expect(line.startsWith(`${code}: `), `expected ${code}, got: ${line}`).toBe(true);
  expect(r.code, line).toBe(exit);
  expect(r.err).not.toMatch(/^\s+at /m);
  expect(r.err).not.toMatch(/^error:/m);
  expect(r.err + r.out).not.toContain(SECRET);
  return line;
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
  } finally {
    db.close();
  }
}

function versionCount(): number {
  const db = new Database(store, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM training_versions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Names in the temp folder that look like a half-written output. */
function partials(): string[] {
  return readdirSync(dir).filter((f) => f.includes('.partial-'));
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/index.js'))) execSync('npm run build', { cwd: root, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'otc-bad-input-'));
  opsDb = join(dir, 'ops.db');
  copyFileSync(BENCH_DB, opsDb);
  model = join(dir, 'profile');
  cpSync(join(root, 'profiles/otc-ops'), model, { recursive: true });
  textDb = join(dir, 'text.db');
  writeFileSync(textDb, 'hello, I am not a database\n');
  store = join(dir, 'app.db');
  audit = join(dir, 'audit.db');
  mkdirSync(join(dir, 'folder'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("commander's own errors are one coded line", () => {
  it('an unknown command: OTC_ERR_USAGE, exit 2, no help text', () => {
    const r = cli(['bogus']);
    expect(expectFailure(r, 'OTC_ERR_USAGE', 2)).toContain("unknown command 'bogus'");
    expect(r.out).toBe('');
  });

  it('an unknown option', () => {
    expect(expectFailure(cli(['config', '--nope']), 'OTC_ERR_USAGE', 2)).toContain("unknown option '--nope'");
  });

  it('a missing required option', () => {
    expect(expectFailure(cli(['ask', 'how many trades']), 'OTC_ERR_USAGE', 2)).toContain('--db');
  });

  it('a missing argument', () => {
    expect(expectFailure(cli(['audit', 'verify-file']), 'OTC_ERR_USAGE', 2)).toContain("missing required argument 'file'");
  });

  it('a command group without its subcommand names the subcommands', () => {
    expect(expectFailure(cli(['audit']), 'OTC_ERR_USAGE', 2)).toContain('verify, export, verify-file');
  });

  it('--help and --version still succeed', () => {
    const h = cli(['train', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('Usage: otc-copilot train');
    const v = cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('configuration from the environment', () => {
  it('OTC_PORT=abc', () => {
    expect(expectFailure(cli(['config'], { env: { OTC_PORT: 'abc' } }), 'OTC_ERR_CONFIG', 2)).toContain('OTC_PORT');
  });

  it('OTC_MAX_ROWS=0', () => {
    expect(expectFailure(cli(['config'], { env: { OTC_MAX_ROWS: '0' } }), 'OTC_ERR_CONFIG', 2)).toContain('must be at least 1');
  });

  it('OTC_CONFIG_FILE naming a missing file', () => {
    expect(expectFailure(cli(['config'], { env: { OTC_CONFIG_FILE: join(dir, 'missing.yaml') } }), 'OTC_ERR_CONFIG', 2)).toContain('not found');
  });

  it('OTC_CONFIG_FILE with a YAML syntax error', () => {
    const file = join(dir, 'bad-config.yaml');
    writeFileSync(file, 'OTC_PORT: [8080,\n OTC_HOST');
    expect(expectFailure(cli(['config'], { env: { OTC_CONFIG_FILE: file } }), 'OTC_ERR_CONFIG', 2)).toContain('not valid JSON or YAML');
  });

  it('a rejected admin password is never repeated', () => {
    expect(expectFailure(cli(['config'], { env: { OTC_ADMIN_PASSWORD: SECRET } }), 'OTC_ERR_CONFIG', 2)).toContain('OTC_ADMIN_PASSWORD');
  });

  it('config shows URLs and headers without their secrets', () => {
    const r = cli(['config'], {
      env: { OTC_DATASOURCE_URL: `postgres://ops:${SECRET}@127.0.0.1:1/ops`, OTC_LLM_EXTRA_HEADERS: `{"X-Token":"${SECRET}"}` },
    });
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain(SECRET);
    expect(r.out).toContain('postgres://ops:***@127.0.0.1:1/ops');
  });
});

describe('guard', () => {
  it('empty stdin is a usage error', () => {
    expect(expectFailure(cli(['guard', '--dialect', 'sqlite'], { input: '  \n' }), 'OTC_ERR_USAGE', 2)).toContain('standard input is empty');
  });

  it('--max-rows -1 and --max-rows abc', () => {
    expect(expectFailure(cli(['guard', '--dialect', 'sqlite', '--max-rows', '-1'], { input: 'SELECT 1' }), 'OTC_ERR_USAGE', 2)).toContain('--max-rows');
    expect(expectFailure(cli(['guard', '--dialect', 'sqlite', '--max-rows', 'abc'], { input: 'SELECT 1' }), 'OTC_ERR_USAGE', 2)).toContain('must be a number');
  });

  it('--dialect oracle', () => {
    expect(expectFailure(cli(['guard', '--dialect', 'oracle'], { input: 'SELECT 1' }), 'OTC_ERR_USAGE', 2)).toContain('sqlite, postgres, mssql');
  });

  it('malformed datasource URLs: foo://x and postgres://', () => {
    expectFailure(cli(['guard', '--db', 'foo://x'], { input: 'SELECT 1' }), 'OTC_ERR_BAD_DATASOURCE_URL', 2);
    expectFailure(cli(['guard', '--db', 'postgres://'], { input: 'SELECT 1' }), 'OTC_ERR_BAD_DATASOURCE_URL', 2);
  });

  it('a missing SQLite file is not created', () => {
    const missing = join(dir, 'nowhere', 'x.db');
    expectFailure(cli(['guard', '--db', `sqlite:${missing}`], { input: 'SELECT 1' }), 'OTC_ERR_DATASOURCE_NOT_FOUND', 1);
    expect(existsSync(missing)).toBe(false);
  });

  it('a text file named .db', () => {
    expectFailure(cli(['guard', '--db', `sqlite:${textDb}`], { input: 'SELECT 1' }), 'OTC_ERR_DATASOURCE_UNREADABLE', 1);
  });

  it('unreachable PostgreSQL and SQL Server (127.0.0.1:1): no password in the message', () => {
    expect(expectFailure(cli(['guard', '--db', `postgres://ops:${SECRET}@127.0.0.1:1/ops`], { input: 'SELECT 1' }), 'OTC_ERR_DATASOURCE_UNREACHABLE', 1)).toContain('127.0.0.1:1');
    expectFailure(cli(['guard', '--db', `mssql://user:${SECRET}@127.0.0.1:1/db`], { input: 'SELECT 1' }), 'OTC_ERR_DATASOURCE_UNREACHABLE', 1);
  });
});

describe('audit', () => {
  it('verify on a database that is not an audit log leaves it untouched', () => {
    const before = sha(opsDb);
    expect(expectFailure(cli(['audit', 'verify', '--audit', `sqlite:${opsDb}`]), 'OTC_ERR_AUDIT_NOT_FOUND', 1)).toContain('no audit records table');
    expect(sha(opsDb)).toBe(before);
    expect(tablesOf(opsDb)).not.toContain('audit_records');
  });

  it('verify on a missing file does not create it; on a text file names it', () => {
    const missing = join(dir, 'missing-audit.db');
    expectFailure(cli(['audit', 'verify', '--audit', `sqlite:${missing}`]), 'OTC_ERR_AUDIT_NOT_FOUND', 1);
    expect(existsSync(missing)).toBe(false);
    expect(expectFailure(cli(['audit', 'verify', '--audit', `sqlite:${textDb}`]), 'OTC_ERR_AUDIT_NOT_FOUND', 1)).toContain('not a SQLite database');
  });

  it('an unreachable PostgreSQL audit log', () => {
    expectFailure(cli(['audit', 'verify', '--audit', `postgres://auditor:${SECRET}@127.0.0.1:1/audit`]), 'OTC_ERR_AUDIT_UNREACHABLE', 1);
  });

  it('appending to another database (the datasource) is refused before anything is written', () => {
    const before = sha(opsDb);
    const r = cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--model', model, '--audit', `sqlite:${opsDb}`, '--today', '2026-03-01']);
    expect(expectFailure(r, 'OTC_ERR_BAD_AUDIT_URL', 2)).toContain('not an audit log');
    expect(sha(opsDb)).toBe(before);
  });

  describe('export and verify-file', () => {
    let exported: string;
    beforeAll(() => {
      // A real audit log with a few records, written by the product itself.
      const r = cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--model', model, '--audit', `sqlite:${audit}`, '--today', '2026-03-01']);
      expect(r.code, r.err).toBe(0);
      exported = join(dir, 'export.jsonl');
      const e = cli(['audit', 'export', '--audit', `sqlite:${audit}`, '--out', exported]);
      expect(e.code, e.err).toBe(0);
    });

    it('--format xml writes nothing', () => {
      const out = join(dir, 'x.xml');
      expect(expectFailure(cli(['audit', 'export', '--audit', `sqlite:${audit}`, '--format', 'xml', '--out', out]), 'OTC_ERR_USAGE', 2)).toContain('jsonl, csv');
      expect(existsSync(out)).toBe(false);
    });

    it('--from 2026-13-45 writes nothing', () => {
      const out = join(dir, 'bad-date.jsonl');
      expectFailure(cli(['audit', 'export', '--audit', `sqlite:${audit}`, '--from', '2026-13-45', '--out', out]), 'OTC_ERR_BAD_AUDIT_QUERY', 2);
      expect(existsSync(out)).toBe(false);
    });

    it('--out in a missing folder or naming a folder: no file and no partial file', () => {
      expect(expectFailure(cli(['audit', 'export', '--audit', `sqlite:${audit}`, '--out', join(dir, 'nowhere', 'x.jsonl')]), 'OTC_ERR_AUDIT_EXPORT_WRITE', 1)).toContain('folder does not exist');
      expect(existsSync(join(dir, 'nowhere'))).toBe(false);
      expect(expectFailure(cli(['audit', 'export', '--audit', `sqlite:${audit}`, '--out', join(dir, 'folder')]), 'OTC_ERR_AUDIT_EXPORT_WRITE', 1)).toContain('it is a folder');
      expect(partials()).toEqual([]);
    });

    it('verify-file: a missing, a truncated and an empty export', () => {
      expectFailure(cli(['audit', 'verify-file', join(dir, 'missing.jsonl')]), 'OTC_ERR_USAGE', 2);
      const text = readFileSync(exported, 'utf8');
      const truncated = join(dir, 'truncated.jsonl');
      writeFileSync(truncated, text.slice(0, text.indexOf('\n') + 40));
      expect(expectFailure(cli(['audit', 'verify-file', truncated]), 'OTC_ERR_AUDIT_EXPORT_INVALID', 1)).toContain('line 2');
      const empty = join(dir, 'empty.jsonl');
      writeFileSync(empty, '');
      expect(expectFailure(cli(['audit', 'verify-file', empty]), 'OTC_ERR_AUDIT_EXPORT_INVALID', 1)).toContain('holds no audit records');
    });
  });
});

describe('ask', () => {
  it('--format xml, --max-rows -1', () => {
    expectFailure(cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--format', 'xml']), 'OTC_ERR_USAGE', 2);
    expectFailure(cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--max-rows', '-1']), 'OTC_ERR_USAGE', 2);
  });

  it('an unreachable PostgreSQL with a password in the URL', () => {
    expectFailure(cli(['ask', 'how many trades', '--model', model, '--db', `postgres://ops:${SECRET}@127.0.0.1:1/ops`]), 'OTC_ERR_DATASOURCE_UNREACHABLE', 1);
  });

  it('an empty question, a date that is not on the calendar, a missing profile folder', () => {
    expectFailure(cli(['ask', '  ', '--db', `sqlite:${opsDb}`]), 'OTC_ERR_USAGE', 2);
    expect(expectFailure(cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--today', '2026-02-30']), 'OTC_ERR_USAGE', 2)).toContain('--today');
    expect(expectFailure(cli(['ask', 'how many trades', '--db', `sqlite:${opsDb}`, '--model', join(dir, 'no-such-profile')]), 'OTC_ERR_PROFILE_NOT_FOUND', 1)).toContain('no-such-profile');
  });
});

describe('eval', () => {
  it('an empty question file, --out in a missing folder, --today 2026-13-45: refused before the run, nothing written', () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const out = join(dir, 'pred.jsonl');
    expectFailure(cli(['eval', '--db', `sqlite:${opsDb}`, '--questions', empty, '--out', out]), 'OTC_ERR_USAGE', 2);
    const one = join(dir, 'one.jsonl');
    writeFileSync(one, JSON.stringify({ id: 'q1', question: 'How many live trades do we have?' }) + '\n');
    expect(expectFailure(cli(['eval', '--db', `sqlite:${opsDb}`, '--questions', one, '--out', join(dir, 'nope', 'pred.jsonl')]), 'OTC_ERR_USAGE', 2)).toContain('does not exist');
    expectFailure(cli(['eval', '--db', `sqlite:${opsDb}`, '--questions', one, '--out', out, '--today', '2026-13-45']), 'OTC_ERR_USAGE', 2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('train: a failure leaves the store as it was', () => {
  const common = () => ['--db', `sqlite:${opsDb}`, '--store', `sqlite:${store}`, '--audit', `sqlite:${join(dir, 'train-audit.db')}`];
  beforeAll(() => {
    const r = cli(['train', 'import', model, ...common()]);
    expect(r.code, r.err).toBe(0);
  });

  it('import of a missing path', () => {
    const n = versionCount();
    expect(expectFailure(cli(['train', 'import', join(dir, 'no-profile'), ...common()]), 'OTC_ERR_USAGE', 2)).toContain('no such file or folder');
    expect(versionCount()).toBe(n);
  });

  it('import of a profile folder with a YAML syntax error', () => {
    const bad = join(dir, 'bad-profile');
    cpSync(model, bad, { recursive: true });
    writeFileSync(join(bad, 'measures.yaml'), 'measures:\n  - name: [x\n');
    const n = versionCount();
    expect(expectFailure(cli(['train', 'import', bad, ...common()]), 'OTC_ERR_PROFILE_INVALID', 1)).toContain('measures.yaml');
    expect(versionCount()).toBe(n);
  });

  it('import of a corrupt .tar.gz and of a malformed .json bundle', () => {
    const n = versionCount();
    const tgz = join(dir, 'corrupt.tar.gz');
    writeFileSync(tgz, 'not gzip at all');
    expectFailure(cli(['train', 'import', tgz, ...common()]), 'OTC_ERR_TRAINING_BAD_BUNDLE', 1);
    const json = join(dir, 'corrupt.json');
    writeFileSync(json, '{"format":');
    expectFailure(cli(['train', 'import', json, ...common()]), 'OTC_ERR_TRAINING_BAD_BUNDLE', 1);
    expect(versionCount()).toBe(n);
  });

  it('a store URL naming another database (the datasource) is refused before anything is written', () => {
    const before = sha(opsDb);
    expect(expectFailure(cli(['train', 'list', '--db', `sqlite:${opsDb}`, '--store', `sqlite:${opsDb}`]), 'OTC_ERR_BAD_STORE_URL', 2)).toContain('not an app store');
    expect(sha(opsDb)).toBe(before);
  });

  it('validate --today 2026-13-45 stores no validation report', () => {
    const db = new Database(store, { readonly: true });
    const before = db.prepare('SELECT count(*) AS n FROM training_versions WHERE validation_json IS NOT NULL').get();
    db.close();
    expect(expectFailure(cli(['train', 'validate', '1', '--today', '2026-13-45', ...common()]), 'OTC_ERR_USAGE', 2)).toContain('--today');
    const db2 = new Database(store, { readonly: true });
    expect(db2.prepare('SELECT count(*) AS n FROM training_versions WHERE validation_json IS NOT NULL').get()).toEqual(before);
    db2.close();
  });

  it('export into a missing folder writes nothing', () => {
    expect(expectFailure(cli(['train', 'export', '1', '--out', join(dir, 'nowhere', 'p.json'), ...common()]), 'OTC_ERR_TRAINING_EXPORT_TARGET', 1)).toContain('folder does not exist');
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(partials()).toEqual([]);
  });

  it('rollback without --reason; a version that does not exist', () => {
    expectFailure(cli(['train', 'rollback', '1', ...common()]), 'OTC_ERR_USAGE', 2);
    expectFailure(cli(['train', 'activate', '99', ...common()]), 'OTC_ERR_TRAINING_VERSION_NOT_FOUND', 1);
  });
});

describe('demo-db', () => {
  it('--trades abc and --as-of 2026-13-45 leave no file at --out', () => {
    const out = join(dir, 'demo.db');
    expectFailure(cli(['demo-db', '--out', out, '--trades', 'abc']), 'OTC_ERR_USAGE', 2);
    expectFailure(cli(['demo-db', '--out', out, '--trades', '100', '--as-of', '2026-13-45']), 'OTC_ERR_USAGE', 2);
    expect(existsSync(out)).toBe(false);
  });

  it('--out with a scheme other than postgres:// is refused, not written as a file named foo:', () => {
    expectFailure(cli(['demo-db', '--out', 'foo://x', '--trades', '100']), 'OTC_ERR_USAGE', 2);
    expect(existsSync(join(root, 'foo:'))).toBe(false);
  });
});

describe('system errors without a code of ours', () => {
  it('serve on a port already in use: OTC_ERR_PORT_IN_USE, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      // Async spawn: the blocking listener lives in this process and must keep answering.
      const r = await new Promise<Run>((res) => {
        const child = spawn(process.execPath, [join(root, 'bin/otc-copilot.js'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
          cwd: root,
          env: cleanEnv({ OTC_DATASOURCE_URL: `sqlite:${opsDb}`, OTC_DATA_DIR: join(dir, 'serve-data'), OTC_LOG_LEVEL: 'silent', OTC_PROFILE_DIR: model }),
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          res({ code, out, err });
        });
      });
      expect(expectFailure(r, 'OTC_ERR_PORT_IN_USE', 1)).toContain(`127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  }, 120_000);
});
