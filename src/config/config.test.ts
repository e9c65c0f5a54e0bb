import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, auditUrlOf, datasourceUrlOf, loadConfig, settings, storeUrlOf, todayOf } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.port).toBe(8080);
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.maxRows).toBe(5000);
    expect(cfg.dataDir).toBe(resolve('./data'));
    expect(storeUrlOf(cfg)).toBe(`sqlite:${join(resolve('./data'), 'app.db')}`);
    expect(auditUrlOf(cfg)).toBe(`sqlite:${join(resolve('./data'), 'audit.db')}`);
    expect(datasourceUrlOf(cfg)).toBe(`sqlite:${join(resolve('./data'), 'demo-ops.db')}`);
    expect(cfg.llmProvider).toBeUndefined();
  });

  it('reads and coerces environment variables', () => {
    const cfg = loadConfig({ env: { OTC_PORT: '9090', OTC_MAX_ROWS: '10', OTC_TODAY: '2026-11-20', OTC_DATASOURCE_URL: 'postgres://ops@db/ops' } });
    expect(cfg.port).toBe(9090);
    expect(cfg.maxRows).toBe(10);
    expect(todayOf(cfg)).toBe('2026-11-20');
    expect(datasourceUrlOf(cfg)).toBe('postgres://ops@db/ops');
  });

  it('takes a YAML file, and the environment wins over it', () => {
    const file = join(dir, 'otc.yaml');
    writeFileSync(file, 'OTC_PORT: 7000\nmaxRows: 42\nOTC_LOG_LEVEL: warn\n');
    const cfg = loadConfig({ env: { OTC_CONFIG_FILE: file, OTC_PORT: '7100' } });
    expect(cfg.port).toBe(7100);
    expect(cfg.maxRows).toBe(42);
    expect(cfg.logLevel).toBe('warn');
  });

  it('names the variable and what it expects when a value is wrong', () => {
    const e = configError(() => loadConfig({ env: { OTC_PORT: 'abc' } }));
    expect(e.code).toBe('OTC_ERR_CONFIG');
    expect(e.message).toContain('OTC_PORT');
    expect(configError(() => loadConfig({ env: { OTC_TODAY: '20/11/2026' } })).message).toContain('OTC_TODAY');
    expect(configError(() => loadConfig({ env: { OTC_LOG_LEVEL: 'loud' } })).message).toContain('OTC_LOG_LEVEL');
  });

  it('refuses a missing file, a malformed file and an unknown setting in a file', () => {
    expect(configError(() => loadConfig({ env: { OTC_CONFIG_FILE: join(dir, 'missing.yaml') } })).message).toContain('not found');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'OTC_PORT: [1, 2\n');
    expect(configError(() => loadConfig({ env: { OTC_CONFIG_FILE: bad } })).message).toContain(bad);
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'OTC_PROT: 8080\n');
    expect(configError(() => loadConfig({ env: { OTC_CONFIG_FILE: unknown } })).message).toContain('OTC_PROT');
  });

  it('every setting has an OTC_ variable and a description', () => {
    for (const s of Object.values(settings)) {
      expect(s.env).toMatch(/^OTC_[A-Z_]+$/);
      expect(s.doc.length).toBeGreaterThan(5);
    }
  });
});
