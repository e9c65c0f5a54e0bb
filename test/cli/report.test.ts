/**
 * `otc-copilot report list|run|history` on the built CLI (bin/otc-copilot.js -> dist/), against a
 * store, audit log and demo database prepared in a temp folder (an active training version, a
 * saved question and a template delivering to a file share).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplate, saveQuestion } from '../../src/reports/index.js';
import { createTestWorld, type TestWorld } from '../../src/server/testing.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let world: TestWorld;
let templateId: string;

beforeAll(async () => {
  world = await createTestWorld({ maxRows: 100 });
  const { copilot } = await world.deps.answering.require();
  const a = await copilot.ask({ question: 'How many fails by counterparty?', today: '2026-11-20', actor: 'analyst' });
  const s = await saveQuestion(world.store, { owner: 'analyst', question: a.question, sql: a.sql, query: a.understood, engine: 'semantic', trainingVersion: a.trainingVersion });
  const t = await createTemplate(world.store, world.audit, { title: 'Fails to the share', items: [{ savedId: s.id }], formats: ['csv'], targets: [{ channel: 'fileshare', folder: 'ops' }] }, 'analyst', { allowedDomains: [], internalDomains: [] });
  templateId = t.id;
}, 120_000);
afterAll(async () => {
  await world?.close();
});

function cli(...args: string[]) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  Object.assign(env, {
    OTC_DATA_DIR: join(world.dir, 'data'),
    OTC_STORE_URL: `sqlite:${join(world.dir, 'app.db')}`,
    OTC_AUDIT_URL: `sqlite:${join(world.dir, 'audit.db')}`,
    OTC_DATASOURCE_URL: `sqlite:${join(world.dir, 'demo-ops.db')}`,
    OTC_TODAY: '2026-11-20',
    OTC_REPORT_DIR: join(world.dir, 'reports'),
    OTC_REPORT_FILESHARE_ROOT: join(world.dir, 'share'),
  });
  return spawnSync(process.execPath, [join(root, 'bin/otc-copilot.js'), 'report', ...args], { env, encoding: 'utf8', timeout: 60_000 });
}

describe('otc-copilot report', () => {
  it('lists templates, runs one (files to the share), shows it in the history', () => {
    const list = cli('list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain(`${templateId}  Fails to the share  owner analyst  csv  -> fileshare  active  approval not_needed`);
    const run = cli('run', templateId, '--format', 'json');
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r).toMatchObject({ status: 'completed', asOf: '2026-11-20', deliveries: [{ channel: 'fileshare', status: 'delivered' }] });
    const shared = join(world.dir, 'share', 'ops', readdirSync(join(world.dir, 'share', 'ops'))[0]!);
    expect(readFileSync(join(shared, 'fails-to-the-share.csv'), 'utf8')).toContain('counterparty');
    const history = cli('history', '--template', templateId);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`completed\\s+${r.id}`));
  });

  it('an unknown template is one coded line and exit 1', () => {
    const r = cli('run', 'no-such-template');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('OTC_ERR_REPORT_TEMPLATE_NOT_FOUND: No report template with id no-such-template.');
  });
});
