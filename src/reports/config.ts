import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { ReportSettings } from './runs.js';

const list = (s: string | undefined) => (s ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);

/** The Extract Manager's settings from the product's configuration (the secrets stay in memory only). */
export function reportSettingsFromConfig(cfg: Config): ReportSettings {
  return {
    reportDir: cfg.reportDir ?? join(cfg.dataDir, 'reports'),
    maxRows: cfg.reportMaxRows,
    governance: { allowedDomains: list(cfg.reportAllowedDomains), internalDomains: list(cfg.reportInternalDomains) },
    deliveryAttempts: cfg.deliveryAttempts,
    deliveryBackoffMs: cfg.deliveryBackoffMs,
    deliveryTimeoutMs: cfg.deliveryTimeoutMs,
    readinessIntervalMs: cfg.readinessIntervalMs,
    ...(cfg.publicUrl ? { publicUrl: cfg.publicUrl } : {}),
    channels: {
      smtpUrl: cfg.smtpUrl,
      mailFrom: cfg.mailFrom,
      mailMaxBytes: cfg.mailMaxAttachmentMb * 1024 * 1024,
      slackWebhookUrl: cfg.slackWebhookUrl,
      slackBotToken: cfg.slackBotToken,
      slackApiUrl: cfg.slackApiUrl,
      teamsWebhookUrl: cfg.teamsWebhookUrl,
      graphTenantId: cfg.graphTenantId,
      graphClientId: cfg.graphClientId,
      graphClientSecret: cfg.graphClientSecret,
      graphDriveId: cfg.graphDriveId,
      graphBaseUrl: cfg.graphBaseUrl,
      graphLoginUrl: cfg.graphLoginUrl,
      fileShareRoot: cfg.reportFileShareRoot,
      webhookSecret: cfg.reportWebhookSecret,
    },
  };
}
