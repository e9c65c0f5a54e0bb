import { copyFile, mkdir, rename } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/**
 * A file share: the files copied into a folder under the configured root (a mounted share),
 * one sub-folder per run. Each file is written to a temporary name and renamed, so a reader never
 * sees half a file and a repeated delivery replaces the same files. A folder outside the root is refused.
 */
export const deliver: Deliver<'fileshare'> = async (report, target, ctx) => {
  const root = ctx.settings.fileShareRoot;
  if (!root) throw new ChannelNotConfigured('file share', ['OTC_REPORT_FILESHARE_ROOT']);
  const base = resolve(root);
  const dir = resolve(base, target.folder, `${report.asOf}-${report.runId.slice(0, 8)}`);
  const rel = relative(base, dir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new PermanentDeliveryError(`the folder ${target.folder} is outside the file share root`);
  try {
    await mkdir(dir, { recursive: true });
    for (const f of report.files) {
      const tmp = join(dir, `.${f.name}.part`);
      await copyFile(f.path, tmp);
      await rename(tmp, join(dir, f.name));
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = `the file share could not be written (${code ?? 'error'}): ${(e as Error).message}`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') throw new PermanentDeliveryError(message, { cause: e });
    throw new TransientDeliveryError(message, { cause: e });
  }
  return { recipients: [`fileshare:${target.folder}`], details: { folder: rel } };
};
