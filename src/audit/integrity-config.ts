import { existsSync } from 'node:fs';
import { auditFilesOf, type Config } from '../config/index.js';
import type { AuditIntegrity } from './log.js';
import { loadPublicKey, loadSigningKey, type AuditKeys } from './signing.js';

/**
 * The audit key and checkpoint file from configuration.
 * - `writer` (the server, `audit prune`, `audit export`): the signing key, generated once in the
 *   data folder (0600) when it does not exist yet.
 * - verifier (`audit verify`): the signing key when readable, else the public key (`publicKeyFile`
 *   or `--public-key`); with neither, undefined (the chain is checked without a key and the
 *   result says so).
 */
export function auditIntegrityOf(
  cfg: Config,
  opts: { writer: boolean; publicKeyFile?: string; onCheckpoint?: AuditIntegrity['onCheckpoint']; onError?: AuditIntegrity['onError'] },
): AuditIntegrity | undefined {
  const f = auditFilesOf(cfg);
  const base = {
    checkpointFile: f.checkpointFile,
    checkpointEvery: cfg.auditCheckpointEvery,
    ...(opts.onCheckpoint ? { onCheckpoint: opts.onCheckpoint } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  };
  if (opts.writer) return { keys: loadSigningKey(f.signingKeyFile, { create: true }), ...base };
  if (opts.publicKeyFile) return { keys: loadPublicKey(opts.publicKeyFile), ...base };
  if (existsSync(f.signingKeyFile)) return { keys: loadSigningKey(f.signingKeyFile), ...base };
  if (existsSync(f.publicKeyFile)) return { keys: loadPublicKey(f.publicKeyFile), ...base };
  return undefined;
}

/**
 * The scheduled prune from configuration: with a retention period and a cron other than `off`,
 * the handler's settings (the writer's key) and the schedule; else undefined (`audit prune` only).
 */
export function auditPruneOf(cfg: Config, integrity: AuditIntegrity | undefined): { retentionDays: number; archiveDir: string; keys: AuditKeys; schedule: { cron: string; timeZone: string } } | undefined {
  if (!cfg.auditRetentionDays || cfg.auditPruneCron === 'off' || !integrity?.keys.privateKey) return undefined;
  return { retentionDays: cfg.auditRetentionDays, archiveDir: auditFilesOf(cfg).archiveDir, keys: integrity.keys, schedule: { cron: cfg.auditPruneCron, timeZone: cfg.auditPruneTimeZone } };
}
