import { existsSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';
import { describeIssue } from './issue.js';
import { settings, type Config, type SettingKey } from './schema.js';

/** Settings whose value is never repeated in an error message. */
const SECRET_SETTINGS = new Set<SettingKey>(['adminPassword', 'llmApiKey', 'llmExtraHeaders', 'oidcClientSecret', 'smtpUrl', 'slackWebhookUrl', 'slackBotToken', 'teamsWebhookUrl', 'graphClientSecret', 'reportWebhookSecret']);

/**
 * Settings that may also be read from a file named by `<VARIABLE>_FILE` (Docker/Kubernetes
 * secrets, systemd credentials): the secrets, and the URLs that may carry a password.
 */
export const FILE_SETTINGS = new Set<SettingKey>([...SECRET_SETTINGS, 'storeUrl', 'auditUrl', 'datasourceUrl']);

/** The value of `<VARIABLE>_FILE`'s file, without its final line break; never quoted back in errors. */
function fromFileVariable(key: SettingKey, env: Record<string, string | undefined>): string | undefined {
  const name = settings[key].env;
  const path = env[`${name}_FILE`];
  if (!path) return undefined;
  if (env[name]) throw new ConfigError(`${name} and ${name}_FILE are both set`, `set one of them`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${name}_FILE: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, `point ${name}_FILE at a readable file holding the value`);
  }
  return text.replace(/\r?\n$/, '');
}

/** How a rejected value is quoted back: secrets not at all, URLs without their password. */
function quoted(key: SettingKey, raw: unknown): string {
  if (SECRET_SETTINGS.has(key)) return 'the value given';
  const text = JSON.stringify(raw) ?? String(raw);
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s@/]*@/gi, '$1***@').replace(/\b(password|pwd)=([^;&\s"]+)/gi, '$1=***');
}

export interface LoadConfigOptions {
  /** Environment to read; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Optional JSON or YAML file whose keys are the env variable names or the setting names. */
  file?: string;
  /** Values that win over everything (CLI flags). */
  overrides?: Partial<Record<SettingKey, unknown>>;
}

function readFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`OTC_CONFIG_FILE: file not found: ${path}`, 'point OTC_CONFIG_FILE at a JSON or YAML file');
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`OTC_CONFIG_FILE: ${path} is not valid JSON or YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`OTC_CONFIG_FILE: ${path} must hold a mapping of settings`);
  return parsed as Record<string, unknown>;
}

/** Reads, validates and returns the one typed configuration. Throws ConfigError naming the variable. */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const filePath = opts.file ?? env.OTC_CONFIG_FILE;
  const fromFile = filePath ? readFile(filePath) : {};
  const byEnvName = new Map<string, SettingKey>(Object.entries(settings).map(([k, s]) => [s.env, k as SettingKey]));
  for (const key of Object.keys(fromFile)) {
    if (!(key in settings) && !byEnvName.has(key)) {
      throw new ConfigError(`OTC_CONFIG_FILE: unknown setting "${key}" in ${filePath}`, `known: ${Object.values(settings).map((s) => s.env).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [SettingKey, (typeof settings)[SettingKey]][]) {
    let raw: unknown = opts.overrides?.[key];
    if (raw === undefined) {
      const viaFile = FILE_SETTINGS.has(key) ? fromFileVariable(key, env) : undefined; // throws when both are set
      raw = env[s.env] === '' ? undefined : env[s.env];
      if (raw === undefined) raw = viaFile;
    }
    if (raw === undefined) raw = fromFile[s.env] ?? fromFile[key];
    const result = s.schema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const expected = issue ? describeIssue(issue) : 'must be a valid value';
      throw new ConfigError(`${s.env}: ${quoted(key, raw)} is not valid: ${expected}`, s.doc);
    }
    out[key] = result.data;
  }
  const cfg = out as Config;
  cfg.dataDir = resolve(cfg.dataDir);
  return cfg;
}

/** Resolved URLs of the embedded defaults. */
export function storeUrlOf(cfg: Config): string {
  return cfg.storeUrl ?? `sqlite:${join(cfg.dataDir, 'app.db')}`;
}
export function auditUrlOf(cfg: Config): string {
  return cfg.auditUrl ?? `sqlite:${join(cfg.dataDir, 'audit.db')}`;
}
/** Files of the audit log's integrity key, checkpoints and archives (see src/audit/README.md). */
export function auditFilesOf(cfg: Config): { signingKeyFile: string; publicKeyFile: string; checkpointFile: string; archiveDir: string } {
  const signingKeyFile = cfg.auditSigningKeyFile ?? join(cfg.dataDir, 'audit-signing.key');
  return {
    signingKeyFile,
    publicKeyFile: cfg.auditPublicKeyFile ?? `${signingKeyFile}.pub`,
    checkpointFile: cfg.auditCheckpointFile ?? join(cfg.dataDir, 'audit-checkpoints.jsonl'),
    archiveDir: cfg.auditArchiveDir ?? join(cfg.dataDir, 'audit-archive'),
  };
}
export function demoDatabasePath(cfg: Config): string {
  return join(cfg.dataDir, 'demo-ops.db');
}
export function datasourceUrlOf(cfg: Config): string {
  return cfg.datasourceUrl ?? `sqlite:${demoDatabasePath(cfg)}`;
}
/** The as-of date: OTC_TODAY when set, else the clock (local calendar date). */
export function todayOf(cfg: Pick<Config, 'today'>, now: Date = new Date()): string {
  if (cfg.today) return cfg.today;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
