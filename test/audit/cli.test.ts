import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable } from '../support/services.js';
import { openAuditLog, type AuditRecord } from '../../src/audit/index.js';

const root = new URL('../../', import.meta.url).pathname;

/** The data folder of the CLI runs (its audit key and checkpoint file); never the repository's. */
const dataDir = mkdtempSync(join(tmpdir(), 'otc-audit-cli-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OTC_DEBUG: '', OTC_DATA_DIR: dataDir, ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('otc-copilot audit (SQLite)', () => {
  let dir: string;
  let url: string;
  let recs: AuditRecord[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otc-audit-cli-'));
    url = `sqlite:${join(dir, 'audit.db')}`;
    const log = await openAuditLog(url);
    recs = [];
    for (let i = 0; i < 6; i++) {
      recs.push(await log.append({ kind: 'question', actor: 'alice', outcome: 'ok', question: `=q${i}, "x"`, details: { i } }));
    }
    await log.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify prints OK with the count and head, exit 0', () => {
    const r = cli(['audit', 'verify', '--audit', url]);
    expect(r.err).toBe('');
    expect(r.out).toBe(`OK: 6 records, chain intact, head ${recs[5]!.hash}\nsigned checkpoint: none checked (no audit key found: the chain is not authenticated; see OTC_AUDIT_PUBLIC_KEY_FILE)\n`);
    expect(r.code).toBe(0);
    expect(cli(['audit', 'verify', '--audit', url, '--expect-head', `6:${recs[5]!.hash}`]).code).toBe(0);
    const wrong = cli(['audit', 'verify', '--audit', url, '--expect-head', `6:${'a'.repeat(64)}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^BROKEN at record #6 \(/);
  });

  it('uses the configured audit URL by default, and refuses a missing log', () => {
    expect(cli(['audit', 'verify'], { OTC_AUDIT_URL: url }).out).toMatch(/^OK: 6 records/);
    const r = cli(['audit', 'verify'], { OTC_AUDIT_URL: `sqlite:${join(dir, 'nope', 'audit.db')}` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^OTC_ERR_AUDIT_NOT_FOUND: there is no audit log at /);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('export writes JSONL and a signed manifest that verify-file accepts with the public key; a tampered line is named, exit 1', () => {
    const file = join(dir, 'range.jsonl');
    const today = recs[0]!.ts.slice(0, 10);
    const r = cli(['audit', 'export', '--from', today, '--to', today, '--format', 'jsonl', '--out', file, '--audit', url]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`^exported 6 records to ${file} \\(signed manifest ${file}.manifest.json, key [0-9a-f]{16}\\)\n$`));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64), hash: recs[0]!.hash });

    // offline, with the public key alone (another data folder, no database)
    const pub = join(dataDir, 'audit-signing.key.pub');
    const elsewhere = mkdtempSync(join(tmpdir(), 'otc-audit-cli-offline-'));
    const ok = cli(['audit', 'verify-file', file, '--public-key', pub], { OTC_DATA_DIR: elsewhere });
    expect(ok.out).toMatch(new RegExp(`^OK: 6 records, chain intact, head ${recs[5]!.hash} \\(records #1..#6\\)\nsigned manifest: verified \\(key [0-9a-f]{16}; 6 records; chain head at export #6\\)\n$`));
    expect(ok.code).toBe(0);
    // without the key a signed export is not called verified
    const nokey = cli(['audit', 'verify-file', file], { OTC_DATA_DIR: elsewhere });
    expect(nokey.code).not.toBe(0);
    expect(nokey.err).toMatch(/^OTC_ERR_AUDIT_KEY: .* is signed: give the audit public key/);
    rmSync(elsewhere, { recursive: true, force: true });
    // the export is an audit record itself
    expect(cli(['audit', 'verify', '--audit', url]).out).toMatch(/^OK: 7 records, chain intact/);

    const bad = join(dir, 'bad.jsonl');
    lines[3] = lines[3]!.replace('"actor":"alice"', '"actor":"mallory"');
    writeFileSync(bad, lines.join('\n') + '\n');
    writeFileSync(`${bad}.manifest.json`, readFileSync(`${file}.manifest.json`));
    const b = cli(['audit', 'verify-file', bad]);
    expect(b.out).toBe(`BROKEN at record #4 (${recs[3]!.id}): record 4 was modified (hash mismatch)\n`);
    expect(b.code).toBe(1);

    const tail = join(dir, 'tail.jsonl');
    writeFileSync(tail, readFileSync(file, 'utf8').split('\n').slice(3).join('\n'));
    expect(cli(['audit', 'verify-file', tail, '--expect-prev', recs[2]!.hash]).code).toBe(0);
    expect(cli(['audit', 'verify-file', tail, '--expect-prev', recs[1]!.hash]).code).toBe(1);
  });

  it('export to standard output as CSV', () => {
    const r = cli(['audit', 'export', '--format', 'csv', '--audit', url]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\r\n');
    expect(lines).toHaveLength(8); // header, 6 records, the export record of the test before
    expect(lines[1]).toContain(`"'=q0, ""x"""`);
    expect(r.err).toBe('exported 7 records\n');
  });

  it('bad flags are one line and exit 2; a failed export leaves no file', () => {
    const f = cli(['audit', 'export', '--format', 'xml', '--audit', url]);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/^OTC_ERR_USAGE: --format: /);
    const d = cli(['audit', 'export', '--from', '2026-13-01', '--out', join(dir, 'x.jsonl'), '--audit', url]);
    expect(d.code).toBe(2);
    expect(d.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
    expect(cli(['audit', 'verify', '--audit', 'mysql://h/db']).code).toBe(2);
    const nf = cli(['audit', 'verify-file', join(dir, 'missing.jsonl')]);
    expect(nf.code).toBe(2);
    expect(nf.err).toMatch(/^OTC_ERR_USAGE: cannot read .*ENOENT/);
  });

  it('verify reports a tampered database, exit 1', () => {
    const db = new Database(url.slice('sqlite:'.length));
    db.exec(`DROP TRIGGER audit_records_no_update; UPDATE audit_records SET question = 'other' WHERE seq = 2`);
    db.close();
    const r = cli(['audit', 'verify', '--audit', url]);
    expect(r.out).toBe(`BROKEN at record #2 (${recs[1]!.id}): record 2 was modified (hash mismatch)\n`);
    expect(r.code).toBe(1);
  });
});

describe('otc-copilot audit (PostgreSQL)', () => {
  it('verifies a PostgreSQL audit log given with --audit', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const t = await createTempPgDatabase('otc_audit_cli');
    try {
      const log = await openAuditLog(t.url);
      const r1 = await log.append({ kind: 'sign_in', actor: 'alice', outcome: 'ok' });
      await log.close();
      // a data folder of its own: a checkpoint file belongs to one log
      const own = mkdtempSync(join(tmpdir(), 'otc-audit-cli-pg-'));
      const r = cli(['audit', 'verify', '--audit', t.url], { OTC_DATA_DIR: own });
      rmSync(own, { recursive: true, force: true });
      expect(r.out).toMatch(new RegExp(`^OK: 1 records, chain intact, head ${r1.hash}\n`));
      expect(r.code).toBe(0);
    } finally {
      await t.drop();
    }
  });
});
