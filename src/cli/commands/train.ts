/**
 * otc-copilot train list|import|export|ingest|drift|validate|activate|rollback|diff|refresh:
 * the training lifecycle of one datasource (--db), kept in the app store (--store) with every
 * change recorded in the audit trail (--audit).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { z } from 'zod';
import type { AuditLog } from '../../audit/index.js';
import { auditUrlOf, datasourceUrlOf, loadConfig, storeUrlOf, todayOf } from '../../config/index.js';
import type { Datasource } from '../../datasource/index.js';
import { OtcError } from '../../shared/errors.js';
import type { Store } from '../../store/index.js';
import type { RetrainResult, TrainingContext, TrainingVersion } from '../../training/index.js';
import { action } from '../handle-error.js';
import { calendarDate, parseFlags } from '../parse.js';

const commonFlags = z.object({
  db: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  audit: z.string().min(1).optional(),
  as: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
type Common = z.output<typeof commonFlags>;

/** A real calendar day: 2026-13-45 and 2026-02-30 are refused before anything is stored. */
const date = calendarDate;

function withCommon(cmd: Command): Command {
  return cmd
    .option('--db <url>', 'the datasource (default: OTC_DATASOURCE_URL or the demo database)')
    .option('--name <key>', "the datasource's key in the store (default: its URL without password)")
    .option('--store <url>', 'app store URL (default: OTC_STORE_URL or <dataDir>/app.db)')
    .option('--audit <url>', 'audit log URL (default: OTC_AUDIT_URL or <dataDir>/audit.db)')
    .option('--as <actor>', 'who makes the change (default: cli:<os user>)')
    .option('--reason <text>', 'why (recorded with the change)')
    .option('--json', 'print JSON instead of text');
}

/** The training module, loaded when a command runs (the CLI starts without it). */
type Training = typeof import('../../training/index.js');
const training = (): Promise<Training> => import('../../training/index.js');

interface Session {
  t: Training;
  ctx: TrainingContext;
  ds: Datasource;
  actor: string;
  o: Common;
}

/** Opens the datasource, the store and the audit log, runs `fn`, closes all three. */
async function withTraining<T>(o: Common, fn: (s: Session) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const [t, { openDatasource }, { openStore }, { openAuditLog }] = await Promise.all([training(), import('../../datasource/index.js'), import('../../store/index.js'), import('../../audit/index.js')]);
  const ds = await openDatasource(o.db ?? datasourceUrlOf(cfg));
  let store: Store | undefined;
  let audit: AuditLog | undefined;
  try {
    store = await openStore(o.store ?? storeUrlOf(cfg));
    audit = await openAuditLog(o.audit ?? auditUrlOf(cfg));
    const actor = o.as ?? `cli:${safeUser()}`;
    return await fn({ t, ctx: { store, audit, datasourceKey: o.name ?? ds.description }, ds, actor, o });
  } finally {
    await audit?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await ds.close().catch(() => undefined);
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};
const json = (x: unknown): void => out(JSON.stringify(x, null, 2));
const short = (h: string) => h.slice(0, 12);

function line(v: TrainingVersion): string {
  const val = v.validation ? (v.validation.ok ? 'validation passed' : `validation FAILED (${v.validation.errors.length})`) : 'not validated';
  return `v${v.version}  ${v.status.padEnd(9)}  ${short(v.contentHash)}  ${v.createdAt}  ${v.createdBy}  ${val}${v.note ? `  "${v.note}"` : ''}`;
}

const listCmd = withCommon(new Command('list'))
  .description('list the training versions of the datasource, newest first')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      await withTraining(o, async ({ t, ctx }) => {
        const versions = await t.listVersions(ctx);
        if (o.json) return json(versions.map((v) => ({ ...v, validation: v.validation ? { ok: v.validation.ok, summary: v.validation.summary } : null })));
        if (!versions.length) return out(`no training versions for ${ctx.datasourceKey}`);
        out(`training versions of ${ctx.datasourceKey}:`);
        for (const v of versions) out('  ' + line(v));
      });
    }),
  );

const importCmd = withCommon(new Command('import'))
  .description('import a profile folder (profiles/<name>/), a .json training bundle or a .tar.gz of a folder as a new draft version')
  .argument('<path>', 'profile folder, bundle file or .tar.gz')
  .action(
    action(async (path: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      const { profile, skipped } = (await training()).readProfileSource(path);
      await withTraining(o, async ({ t, ctx, ds, actor }) => {
        const r = await t.importProfile(ctx, { profile, datasource: ds, by: { actor, reason: o.reason }, skipped });
        if (o.json) return json(r);
        if (r.created) out(`imported ${path} as version ${r.version.version} (${r.version.id}), draft, content hash ${r.version.contentHash}`);
        else out(`identical to version ${r.version.version} (${r.version.status}), content hash ${r.version.contentHash}: nothing imported`);
        if (r.problem) out(`warning: ${r.problem}; validation will fail until the profile matches the database`);
        if (r.skipped?.length) out(`skipped (format not supported, e.g. PDF): ${r.skipped.join(', ')}`);
        if (r.created) out(`next: otc-copilot train validate ${r.version.version}`);
      });
    }),
  );

const exportCmd = withCommon(new Command('export'))
  .description('write a version as a profile folder, as one JSON bundle (--out ends in .json) or as a .tar.gz of the folder')
  .argument('[version]', 'version number, id, "active" or "latest"', 'active')
  .requiredOption('--out <path>', 'a folder, or a file ending in .json or .tar.gz')
  .option('--overwrite', 'replace an existing profile folder or file')
  .action(
    action(async (ref: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags.extend({ out: z.string().min(1), overwrite: z.boolean().optional() }), raw);
      await withTraining(o, async ({ t, ctx }) => {
        const v = await t.getVersion(ctx, ref);
        const model = await t.loadVersionModel(ctx, v.id);
        if (/\.(tar\.gz|tgz)$/i.test(o.out)) {
          if (existsSync(o.out) && !o.overwrite) throw new OtcError('OTC_ERR_TRAINING_EXPORT_TARGET', `${o.out} already exists; choose another file or pass --overwrite`, { status: 409 });
          t.writeProfileTarball(model.profile, o.out);
          out(`version ${v.version} written to ${o.out} (.tar.gz of the profile folder, content hash ${v.contentHash})`);
        } else if (/\.json$/i.test(o.out)) {
          t.writeBundleFile(t.toBundle(model.profile, { datasource: v.datasource, version: v.version, contentHash: v.contentHash, exportedAt: new Date().toISOString() }), o.out, { overwrite: o.overwrite });
          out(`version ${v.version} written to ${o.out} (bundle, content hash ${v.contentHash})`);
        } else {
          const files = t.writeProfileFolder(model.profile, o.out, { overwrite: o.overwrite });
          out(`version ${v.version} written to ${o.out}/ (${files.length} files, content hash ${v.contentHash})`);
        }
      });
    }),
  );

function printRetrain(t: Training, r: RetrainResult, what: string): void {
  out(t.formatDrift(r.drift));
  if (r.problem) out(`warning: ${r.problem}`);
  if (!r.version) return out(`no change against the active version ${r.base.version}: no new version`);
  out(`${r.created ? 'new' : 'existing'} version ${r.version.version} (${r.version.status}) from active version ${r.base.version}: ${what}`);
  if (r.validation) out(t.formatValidation(r.validation));
  if (r.activated) out(`version ${r.version.version} is now active`);
  else if (r.version.status !== 'active') out(`next: otc-copilot train validate ${r.version.version}, then train activate ${r.version.version} --reason "…"`);
}

const ingestCmd = withCommon(new Command('ingest'))
  .description('re-ingest the schema snapshot (and values) of the active profile; prints the drift and stores a new draft when anything changed')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      await withTraining(o, async ({ t, ctx, ds, actor }) => {
        const r = await t.reingest(ctx, { datasource: ds, by: { actor, reason: o.reason ?? 'schema re-ingested' } });
        if (o.json) return json(r);
        printRetrain(t, r, `schema ${r.schemaChanged ? 'changed' : 'unchanged'}, values ${r.valuesChanged ? 'changed' : 'unchanged'}`);
      });
    }),
  );

const driftCmd = withCommon(new Command('drift'))
  .description("compare the live database's tables and columns with the active version's snapshot")
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      await withTraining(o, async ({ t, ctx, ds }) => {
        const { version, drift } = await t.driftReport(ctx, ds);
        if (o.json) return json({ version: version.version, drift });
        out(`active version ${version.version}:`);
        out(t.formatDrift(drift));
        if (drift.changed) process.exitCode = 1;
      });
    }),
  );

const validateCmd = withCommon(new Command('validate'))
  .description('validate a version against the database and store the report (required before activation)')
  .argument('[version]', 'version number, id, "active" or "latest"', 'latest')
  .option('--today <date>', 'as-of date for relative dates in the example questions (default: OTC_TODAY or today)')
  .action(
    action(async (ref: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags.extend({ today: date.optional() }), raw);
      await withTraining(o, async ({ t, ctx, ds, actor }) => {
        const today = o.today ?? (loadConfig().today ? todayOf(loadConfig()) : undefined);
        const { version, report } = await t.validateVersion(ctx, ref, { datasource: ds, actor, reason: o.reason, ...(today ? { today } : {}) });
        if (o.json) return json(report);
        out(`version ${version.version}: ${t.formatValidation(report)}`);
        out(report.ok ? `version ${version.version} is ${version.status}; activate it with: otc-copilot train activate ${version.version} --reason "…"` : `version ${version.version} cannot be activated until these errors are fixed`);
        if (!report.ok) process.exitCode = 1;
      });
    }),
  );

const activateCmd = withCommon(new Command('activate'))
  .description('make a validated version the active one (answers use it from now on)')
  .argument('<version>', 'version number or id')
  .action(
    action(async (ref: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      await withTraining(o, async ({ t, ctx, actor }) => {
        const v = await t.activateVersion(ctx, ref, { actor, reason: o.reason });
        out(`version ${v.version} is now the active training of ${ctx.datasourceKey}`);
      });
    }),
  );

const rollbackCmd = withCommon(new Command('rollback'))
  .description('activate an earlier version again (a reason is required)')
  .argument('<version>', 'version number or id')
  .action(
    action(async (ref: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      if (!o.reason) throw new OtcError('OTC_ERR_USAGE', '--reason: a rollback needs a reason', { status: 400 });
      await withTraining(o, async ({ t, ctx, actor }) => {
        const v = await t.rollbackTo(ctx, ref, { actor, reason: o.reason });
        out(`rolled back: version ${v.version} is again the active training of ${ctx.datasourceKey}`);
      });
    }),
  );

const diffCmd = withCommon(new Command('diff'))
  .description('what changed between two versions (profile parts, words, values, schema)')
  .argument('<from>', 'version number or id')
  .argument('[to]', 'version number or id', 'active')
  .action(
    action(async (from: string, to: string, raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags, raw);
      await withTraining(o, async ({ t, ctx }) => {
        const d = await t.diffVersions(ctx, from, to);
        if (o.json) return json(d);
        out(t.formatDiff(d));
      });
    }),
  );

const refreshCmd = withCommon(new Command('refresh'))
  .description('re-read the value index (names of counterparties, desks, statuses…) from the database; a new version only when values changed')
  .option('--activate', 'validate the new version and activate it when it passes')
  .option('--today <date>', 'as-of date for relative dates in the example questions')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(commonFlags.extend({ activate: z.boolean().optional(), today: date.optional() }), raw);
      await withTraining(o, async ({ t, ctx, ds, actor }) => {
        const r = await t.refreshValues(ctx, { datasource: ds, by: { actor, reason: o.reason ?? 'value index refreshed' }, activate: o.activate, ...(o.today ? { today: o.today } : {}) });
        if (o.json) return json(r);
        printRetrain(t, r, r.valuesChanged ? 'values changed' : 'values unchanged');
        if (r.validation && !r.validation.ok) process.exitCode = 1;
      });
    }),
  );

export const trainCommand = new Command('train')
  .description('training profiles: versions, validation, activation, rollback, diff, drift, value refresh')
  .addCommand(listCmd)
  .addCommand(importCmd)
  .addCommand(exportCmd)
  .addCommand(ingestCmd)
  .addCommand(driftCmd)
  .addCommand(validateCmd)
  .addCommand(activateCmd)
  .addCommand(rollbackCmd)
  .addCommand(diffCmd)
  .addCommand(refreshCmd);
