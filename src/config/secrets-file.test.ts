import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';
import { configReferenceMarkdown } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('secrets from files (<VARIABLE>_FILE)', () => {
  it('reads the value from the file, without its final line break', () => {
    const cfg = loadConfig({
      env: {
        OTC_LLM_API_KEY_FILE: file('key', 'sk-from-file\n'),
        OTC_ADMIN_PASSWORD_FILE: file('admin', 'a long admin password\r\n'),
        OTC_STORE_URL_FILE: file('store', 'postgres://otc:pw@db:5432/otc\n'),
        OTC_OIDC_CLIENT_SECRET_FILE: file('oidc', 'client-secret'),
      },
    });
    expect(cfg.llmApiKey).toBe('sk-from-file');
    expect(cfg.adminPassword).toBe('a long admin password');
    expect(cfg.storeUrl).toBe('postgres://otc:pw@db:5432/otc');
    expect(cfg.oidcClientSecret).toBe('client-secret');
  });

  it('refuses both the variable and its _FILE, and an unreadable file, without quoting any value', () => {
    expect(() => loadConfig({ env: { OTC_LLM_API_KEY: 'sk-x', OTC_LLM_API_KEY_FILE: file('k2', 'sk-y') } })).toThrow(/OTC_LLM_API_KEY and OTC_LLM_API_KEY_FILE are both set/);
    expect(() => loadConfig({ env: { OTC_LLM_API_KEY_FILE: join(dir, 'missing') } })).toThrow(/OTC_LLM_API_KEY_FILE: cannot read .*missing \(ENOENT\)/);
    let message = '';
    try {
      loadConfig({ env: { OTC_ADMIN_PASSWORD_FILE: file('short', 'tooShort1') } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/OTC_ADMIN_PASSWORD: the value given is not valid/);
    expect(message).not.toContain('tooShort1');
    try {
      loadConfig({ env: { OTC_STORE_URL_FILE: file('bad-url', 'postgres://otc:hunter2@db:5432/otc\n'), OTC_PORT: 'x' } });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('is not offered for settings that are not secrets', () => {
    expect(loadConfig({ env: { OTC_PORT_FILE: file('port', '9999') } }).port).toBe(8080);
  });
});

describe('configuration reference', () => {
  it('docs/configuration.md is what npm run docs:config writes from the schema', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../docs/configuration.md', import.meta.url)), 'utf8');
    expect(committed, 'run npm run docs:config and commit docs/configuration.md').toBe(configReferenceMarkdown());
    expect(committed).toContain('| `OTC_OIDC_CLIENT_SECRET` |  | `OTC_OIDC_CLIENT_SECRET_FILE` |');
  });
});
