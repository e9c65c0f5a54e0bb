import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { openAuditLog, parseExportedJsonl, verifyExportedRecords, type VerifyResult } from '../../audit/index.js';
import { auditUrlOf, loadConfig } from '../../config/index.js';
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

function auditUrl(flag: string | undefined): string {
  return flag ?? auditUrlOf(loadConfig());
}

/** Prints the verdict; a broken chain exits 1. */
function report(v: VerifyResult, extra = ''): void {
  if (v.ok) {
    process.stdout.write(`OK: ${v.count} records, chain intact, head ${v.headHash}${extra}\n`);
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
        }),
        raw,
      );
      const log = await openAuditLog(auditUrl(o.audit), { create: false });
      try {
        const [seq, hash] = o.expectHead ? o.expectHead.split(':') : [];
        report(await log.verify({ ...(o.from ? { from: o.from } : {}), ...(seq && hash ? { expectedHead: { seq: Number(seq), hash } } : {}) }));
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
      const log = await openAuditLog(auditUrl(o.audit), { create: false });
      const range = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
      try {
        if (!o.out) {
          const n = await log.exportRange(range, o.format, process.stdout);
          process.stderr.write(`exported ${n} records\n`);
          return;
        }
        // Written beside the target and renamed at the end: a failed export leaves no half file
        // and does not clobber an earlier one.
        if (existsSync(o.out) && statSync(o.out).isDirectory()) {
          throw new OtcError('OTC_ERR_AUDIT_EXPORT_WRITE', `cannot write ${o.out}: it is a folder; name a file`, { status: 400 });
        }
        const tmp = `${o.out}.partial-${process.pid}`;
        const file = createWriteStream(tmp);
        try {
          await new Promise<void>((res, rej) => file.once('open', () => res()).once('error', rej));
          const n = await log.exportRange(range, o.format, file);
          await new Promise<void>((res, rej) => file.end((e?: Error | null) => (e ? rej(e) : res())));
          renameSync(tmp, o.out);
          process.stderr.write(`exported ${n} records to ${o.out}\n`);
        } catch (e) {
          file.destroy();
          rmSync(tmp, { force: true });
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
  .description('verify an exported JSONL range offline (no database needed)')
  .argument('<file>', 'a JSONL file written by `audit export --format jsonl`')
  .option('--expect-prev <hash>', 'hash of the record just before the range (checks the first record links to it)')
  .option('--expect-head <hash>', 'hash the last record of the file must carry (an anchor kept elsewhere)')
  .action(
    action(async (file: string, raw: Record<string, unknown>) => {
      const o = parseFlags(z.object({ expectPrev: hex64.optional(), expectHead: hex64.optional() }), raw);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new OtcError('OTC_ERR_USAGE', `cannot read ${file}: ${fsReason(e)}${(e as NodeJS.ErrnoException).code ? ` (${(e as NodeJS.ErrnoException).code})` : ''}`, { status: 400 });
      }
      const records = parseExportedJsonl(text);
      // An empty (or emptied) export proves nothing: it is not reported as an intact chain.
      if (!records.length) throw new OtcError('OTC_ERR_AUDIT_EXPORT_INVALID', `${file} holds no audit records; an empty export cannot be verified`, { status: 400 });
      const v = verifyExportedRecords(records, {
        ...(o.expectPrev ? { expectedPrevHash: o.expectPrev } : {}),
        ...(o.expectHead ? { expectedHeadHash: o.expectHead } : {}),
      });
      const first = records[0];
      const note =
        first && v.ok
          ? ` (records #${first.seq}..#${records[records.length - 1]!.seq}${
              first.seq > 1 && !o.expectPrev ? `; the link of #${first.seq} to #${first.seq - 1} was not checked: pass --expect-prev` : ''
            })`
          : '';
      report(v, note);
    }),
  );

export const auditCommand = new Command('audit')
  .description('the tamper-evident audit trail: verify the chain, export a range, verify an export offline')
  .addCommand(verifyCmd)
  .addCommand(exportCmd)
  .addCommand(verifyFileCmd);
