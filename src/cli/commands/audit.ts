import { existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { z } from 'zod';
import type { VerifyResult } from '../../audit/index.js';
import { auditIntegrityOf } from '../../audit/integrity-config.js';
import { verifySignedExport, writeSignedExport } from '../../audit/signed-export.js';
import { auditFilesOf, auditUrlOf, loadConfig } from '../../config/index.js';
import { isOtcError, OtcError } from '../../shared/errors.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A file-system error in words (the path is named by the caller). */
function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EROFS') return 'the file system is read-only';
  return code ?? (e as Error).message;
}

/** The audit log's drivers, loaded when a command opens a log (the CLI starts without them). */
const openAuditLog: typeof import('../../audit/index.js').openAuditLog = async (...args) => (await import('../../audit/index.js')).openAuditLog(...args);

const cliActor = () => `cli:${userInfo().username}`;

/** Prints the verdict; a broken chain exits 1. `keyed`: say what the signed checkpoints cover. */
function report(v: VerifyResult, extra = '', keyed?: boolean): void {
  if (v.ok) {
    process.stdout.write(`OK: ${v.count} records, chain intact, head ${v.headHash}${extra}\n`);
    if (v.prunedThrough) process.stdout.write(`pruned: records up to #${v.prunedThrough} were archived and pruned; a prune record carries the chain across\n`);
    if (keyed === false) process.stdout.write('signed checkpoint: none checked (no audit key found: the chain is not authenticated; see OTC_AUDIT_PUBLIC_KEY_FILE)\n');
    if (keyed) {
      const c = v.lastCheckpoint;
      process.stdout.write(
        c
          ? `signed checkpoint: record #${c.seq} at ${c.ts} (key ${c.keyId}, ${c.source === 'file' ? 'checkpoint file' : 'head anchor'})\n`
          : 'signed checkpoint: none yet (records written before the audit key existed are not authenticated)\n',
      );
      if (v.unsignedAfter !== undefined) process.stdout.write(`not authenticated: records after #${v.unsignedAfter} are not covered by a signed checkpoint\n`);
    }
    return;
  }
  const { seq, id, reason } = v.brokenAt;
  process.stdout.write(`BROKEN at record #${seq}${id ? ` (${id})` : ''}: ${reason}\n`);
  process.exitCode = 1;
}

const verifyCmd = new Command('verify')
  .description('walk the whole hash chain and compare its end with the head anchor')
  .option('--audit <url>', 'audit log URL (default: the configured OTC_AUDIT_URL or <dataDir>/audit.db)')
  .option('--from <seq>', 'start at this record (linked to the one before it)')
  .option('--expect-head <seq:hash>', 'a head printed by an earlier verify, kept outside the database: that record must still carry that hash')
  .option('--public-key <file>', 'the audit public key (default: OTC_AUDIT_PUBLIC_KEY_FILE, or the signing key when readable)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({
          audit: z.string().min(1).optional(),
          from: z.coerce.number().int().min(1).optional(),
          expectHead: z
            .string()
            .regex(/^\d+:[0-9a-f]{64}$/, 'must be SEQ:HASH (e.g. 1200:ab12…, 64 hex digits)')
            .optional(),
          publicKey: z.string().min(1).optional(),
        }),
        raw,
      );
      const cfg = loadConfig();
      const integrity = auditIntegrityOf(cfg, { writer: false, ...(o.publicKey ? { publicKeyFile: o.publicKey } : {}) });
      const log = await openAuditLog(o.audit ?? auditUrlOf(cfg), { create: false, ...(integrity ? { integrity } : {}) });
      try {
        const [seq, hash] = o.expectHead ? o.expectHead.split(':') : [];
        report(await log.verify({ ...(o.from ? { from: o.from } : {}), ...(seq && hash ? { expectedHead: { seq: Number(seq), hash } } : {}) }), '', !!integrity);
      } finally {
        await log.close();
      }
    }),
  );

const exportCmd = new Command('export')
  .description('write the records of a date range (UTC days, inclusive) with prev_hash and hash, in sequence order')
  .option('--from <date>', 'first day, YYYY-MM-DD (default: the first record)')
  .option('--to <date>', 'last day, YYYY-MM-DD, included (default: the last record)')
  .option('--format <format>', 'jsonl (verifiable with `audit verify-file`) or csv', 'jsonl')
  .option('--out <file>', 'write to this file instead of standard output')
  .option('--audit <url>', 'audit log URL (default: the configured OTC_AUDIT_URL or <dataDir>/audit.db)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({
          from: date.optional(),
          to: date.optional(),
          format: z.enum(['jsonl', 'csv']),
          out: z.string().min(1).optional(),
          audit: z.string().min(1).optional(),
        }),
        raw,
      );
      const cfg = loadConfig();
      // Exports are audit records themselves; a file export is signed with the audit key.
      const integrity = auditIntegrityOf(cfg, { writer: true });
      const log = await openAuditLog(o.audit ?? auditUrlOf(cfg), { create: false, ...(integrity ? { integrity } : {}) });
      const range = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
      try {
        if (!o.out) {
          const s = await log.exportWithSummary(range, o.format, process.stdout);
          await log.append({ kind: 'audit_export', actor: cliActor(), outcome: 'completed', details: { file: null, format: o.format, range, count: s.count, first_seq: s.firstSeq, last_seq: s.lastSeq, last_hash: s.lastHash } });
          process.stderr.write(`exported ${s.count} records\n`);
          return;
        }
        // Written beside the target and renamed at the end: a failed export leaves no half file
        // and does not clobber an earlier one.
        if (existsSync(o.out) && statSync(o.out).isDirectory()) {
          throw new OtcError('OTC_ERR_AUDIT_EXPORT_WRITE', `cannot write ${o.out}: it is a folder; name a file`, { status: 400 });
        }
        try {
          const { summary } = await writeSignedExport(log, integrity!.keys, range, o.format, o.out, cliActor());
          process.stderr.write(`exported ${summary.count} records to ${o.out} (signed manifest ${o.out}.manifest.json, key ${integrity!.keys.keyId})\n`);
        } catch (e) {
          if (!isOtcError(e) && typeof (e as NodeJS.ErrnoException).code === 'string') {
            throw new OtcError('OTC_ERR_AUDIT_EXPORT_WRITE', `cannot write ${o.out}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : fsReason(e)}; nothing was written`, { status: 500 });
          }
          throw e;
        }
      } finally {
        await log.close();
      }
    }),
  );

const verifyFileCmd = new Command('verify-file')
  .description('verify an exported range offline (no database needed): its signed manifest with the public key, then every record')
  .argument('<file>', 'a JSONL or CSV file written by `audit export --out`')
  .option('--manifest <file>', 'the signed manifest (default: FILE.manifest.json when present)')
  .option('--public-key <file>', 'the audit public key (default: OTC_AUDIT_PUBLIC_KEY_FILE, or the signing key when readable)')
  .option('--expect-prev <hash>', 'hash of the record just before the range (checks the first record links to it)')
  .option('--expect-head <hash>', 'hash the last record of the file must carry (an anchor kept elsewhere)')
  .action(
    action(async (file: string, raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({ manifest: z.string().min(1).optional(), publicKey: z.string().min(1).optional(), expectPrev: hex64.optional(), expectHead: hex64.optional() }),
        raw,
      );
      try {
        readFileSync(file);
      } catch (e) {
        throw new OtcError('OTC_ERR_USAGE', `cannot read ${file}: ${fsReason(e)}${(e as NodeJS.ErrnoException).code ? ` (${(e as NodeJS.ErrnoException).code})` : ''}`, { status: 400 });
      }
      const keys = (() => {
        if (o.publicKey) return auditIntegrityOf(loadConfig(), { writer: false, publicKeyFile: o.publicKey })?.keys;
        if (!o.manifest && !existsSync(`${file}.manifest.json`)) return undefined;
        return auditIntegrityOf(loadConfig(), { writer: false })?.keys;
      })();
      const v = verifySignedExport(file, {
        ...(o.manifest ? { manifestFile: o.manifest } : {}),
        ...(keys ? { keys } : {}),
        ...(o.expectPrev ? { expectedPrevHash: o.expectPrev } : {}),
        ...(o.expectHead ? { expectedHeadHash: o.expectHead } : {}),
      });
      // An empty (or emptied) export proves nothing: it is not reported as an intact chain.
      if (v.ok && v.count === 0 && !v.signed) throw new OtcError('OTC_ERR_AUDIT_EXPORT_INVALID', `${file} holds no audit records; an empty export cannot be verified`, { status: 400 });
      const m = v.manifest;
      const first = v.ok ? (m?.first_seq ?? v.headSeq - v.count + 1) : 0;
      const note = v.ok && v.count
        ? ` (records #${first}..#${v.headSeq}${
            first > 1 && !o.expectPrev && !m ? `; the link of #${first} to #${first - 1} was not checked: pass --expect-prev` : ''
          })`
        : '';
      report(v, note);
      if (v.ok) {
        process.stdout.write(
          m
            ? `signed manifest: verified (key ${m.key_id}; ${m.count} records; chain head at export #${m.anchor.seq})\n`
            : 'unsigned: no manifest beside the file, so only the records\' own hashes were checked\n',
        );
      }
    }),
  );

const pruneCmd = new Command('prune')
  .description('archive the records older than the retention period to a signed export and prune them (legal holds respected)')
  .option('--retention-days <n>', 'default OTC_AUDIT_RETENTION_DAYS')
  .option('--archive-dir <dir>', 'default OTC_AUDIT_ARCHIVE_DIR or <dataDir>/audit-archive')
  .option('--audit <url>', 'audit log URL (default: the configured OTC_AUDIT_URL or <dataDir>/audit.db)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({ retentionDays: z.coerce.number().int().min(1).optional(), archiveDir: z.string().min(1).optional(), audit: z.string().min(1).optional() }),
        raw,
      );
      const cfg = loadConfig();
      const days = o.retentionDays ?? cfg.auditRetentionDays;
      if (!days) throw new OtcError('OTC_ERR_USAGE', 'no retention period: set OTC_AUDIT_RETENTION_DAYS or pass --retention-days', { status: 400 });
      const integrity = auditIntegrityOf(cfg, { writer: true })!;
      const log = await openAuditLog(o.audit ?? auditUrlOf(cfg), { create: false, integrity });
      try {
        const { pruneExpired } = await import('../../audit/retention.js');
        const r = await pruneExpired(log, integrity.keys, { retentionDays: days, archiveDir: o.archiveDir ?? auditFilesOf(cfg).archiveDir, actor: cliActor() });
        const held = r.heldFrom ? `; legal hold ${r.heldFrom.holdId} keeps record #${r.heldFrom.seq} and after` : '';
        process.stdout.write(r.pruned ? `pruned ${r.pruned} records up to #${r.throughSeq}, archived to ${r.archive}${held}\n` : `nothing to prune${held}\n`);
      } finally {
        await log.close();
      }
    }),
  );

const holdCmd = new Command('hold')
  .description('legal holds: records they cover are never pruned')
  .argument('<action>', 'place, release or list')
  .argument('[id]', 'the hold to release')
  .option('--user <name>', 'hold the records of this user')
  .option('--from <date>', 'hold records from this day (YYYY-MM-DD or ISO date-time)')
  .option('--to <date>', 'hold records up to this day, included')
  .option('--reason <text>', 'why (required to place a hold)')
  .option('--audit <url>', 'audit log URL (default: the configured OTC_AUDIT_URL or <dataDir>/audit.db)')
  .action(
    action(async (act: string, id: string | undefined, raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({ user: z.string().min(1).optional(), from: z.string().min(1).optional(), to: z.string().min(1).optional(), reason: z.string().optional(), audit: z.string().min(1).optional() }),
        raw,
      );
      if (!['place', 'release', 'list'].includes(act)) throw new OtcError('OTC_ERR_USAGE', `hold: "${act}" is not place, release or list`, { status: 400 });
      const cfg = loadConfig();
      const integrity = auditIntegrityOf(cfg, { writer: true })!;
      const log = await openAuditLog(o.audit ?? auditUrlOf(cfg), { create: false, integrity });
      const { activeHolds, placeHold, releaseHold } = await import('../../audit/retention.js');
      try {
        if (act === 'place') {
          if (!o.reason?.trim()) throw new OtcError('OTC_ERR_USAGE', 'hold place: --reason is required', { status: 400 });
          const h = await placeHold(log, { ...(o.user ? { user: o.user } : {}), ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), reason: o.reason, actor: cliActor() });
          process.stdout.write(`placed legal hold ${h.hold_id}\n`);
        } else if (act === 'release') {
          if (!id) throw new OtcError('OTC_ERR_USAGE', 'hold release: name the hold id', { status: 400 });
          await releaseHold(log, id, cliActor());
          process.stdout.write(`released legal hold ${id}\n`);
        } else {
          for (const h of await activeHolds(log)) process.stdout.write(`${h.hold_id}\tuser=${h.user ?? '*'}\tfrom=${h.from_ts ?? '*'}\tto=${h.to_ts ?? '*'}\t${h.reason}\n`);
        }
      } finally {
        await log.close();
      }
    }),
  );

export const auditCommand = new Command('audit')
  .description('the tamper-evident audit trail: verify the chain, export a range, verify an export offline')
  .addCommand(verifyCmd)
  .addCommand(exportCmd)
  .addCommand(verifyFileCmd)
  .addCommand(pruneCmd)
  .addCommand(holdCmd);
