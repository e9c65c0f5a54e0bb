import { Command } from 'commander';
import { loadConfig, settings, type Config } from '../../config/index.js';
import { redactUrl } from '../../datasource/redact.js';
import { action } from '../handle-error.js';

export const configCommand = new Command('config')
  .description('check the configuration, or list every setting with its environment variable')
  .option('--list', 'list every setting and what it does')
  .action(
    action((opts: { list?: boolean }) => {
      if (opts.list) {
        for (const s of Object.values(settings)) process.stdout.write(`${s.env}\t${s.doc}\n`);
        return;
      }
      const cfg = loadConfig();
      process.stdout.write(JSON.stringify(shownConfig(cfg), null, 2) + '\n');
    }),
  );

/** The configuration as it may be shown: no password, key or header value, URLs without their password. */
function shownConfig(cfg: Config): Record<string, unknown> {
  const url = (u: string | undefined) => (u ? redactUrl(u) : undefined);
  let headers: unknown = undefined;
  if (cfg.llmExtraHeaders) {
    try {
      const h = JSON.parse(cfg.llmExtraHeaders) as unknown;
      headers = h && typeof h === 'object' && !Array.isArray(h) ? Object.fromEntries(Object.keys(h).map((k) => [k, '***'])) : '***';
    } catch {
      headers = '***';
    }
  }
  return {
    ...cfg,
    storeUrl: url(cfg.storeUrl),
    auditUrl: url(cfg.auditUrl),
    datasourceUrl: url(cfg.datasourceUrl),
    publicUrl: url(cfg.publicUrl),
    llmBaseUrl: url(cfg.llmBaseUrl),
    llmApiKey: cfg.llmApiKey ? '***' : undefined,
    llmExtraHeaders: headers,
    adminPassword: cfg.adminPassword ? '***' : undefined,
  };
}
