import { FILE_SETTINGS } from './load.js';
import { settings, type SettingKey } from './schema.js';

/** The default of a setting as its schema gives it (undefined: none). */
function defaultOf(key: SettingKey): unknown {
  const r = settings[key].schema.safeParse(undefined);
  return r.success ? r.data : undefined;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/configuration.md, written from the configuration schema (src/config/schema.ts) by
 * `npm run docs:config`; a test checks the committed file is up to date.
 */
export function configReferenceMarkdown(): string {
  const rows = (Object.keys(settings) as SettingKey[]).map((key) => {
    const s = settings[key];
    const d = defaultOf(key);
    const file = FILE_SETTINGS.has(key) ? `\`${s.env}_FILE\`` : '';
    return `| \`${s.env}\` | ${d === undefined ? '' : `\`${cell(String(d))}\``} | ${file} | ${cell(s.doc)} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; do not edit by hand (a test compares). -->',
    '',
    'Every setting is an environment variable; the same names (or the setting names) may be given',
    'in a JSON or YAML file named by `OTC_CONFIG_FILE`. Environment variables win over the file.',
    'A variable of the "from a file" column may instead be given as the path of a file holding the',
    'value (Docker and Kubernetes secrets, systemd credentials): its final line break is dropped,',
    'and setting both the variable and its `_FILE` variant is an error. Secret values are never',
    'repeated in error messages or logs; URLs are shown with their password masked.',
    '',
    '| variable | default | from a file | what it sets |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
