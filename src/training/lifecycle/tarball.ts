/**
 * A profile folder as one .tar.gz file, written and read with the `tar` package (node-tar).
 * Writing is deterministic: sorted names, zero times, no owners, mode 0644, so the same profile
 * always gives the same bytes. Reading accepts archives made by `tar czf` (GNU long names and pax
 * records included); anything but regular files is ignored and paths that would leave the folder
 * are refused.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { create as createTar, Parser as TarParser, type ReadEntry } from 'tar';
import type { Profile } from '../profile-schema.js';
import { OtcError } from '../../shared/errors.js';
import { readBundleFile, readProfileFolder, writeFileAtomic, writeProfileFolder, type FolderRead } from './archive.js';
import { badBundle, TrainingErrorCode } from './errors.js';

/** Most an archive may unpack to (a gzip bomb stops here). */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

/** Writes the profile as `<profile name>/…` files in a gzip-compressed tar archive. */
export function writeProfileTarball(profile: Profile, path: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'otc-profile-'));
  try {
    const top = profile.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'profile';
    const folder = join(tmp, 'in', top);
    mkdirSync(folder, { recursive: true });
    writeProfileFolder(profile, folder);
    const files = listFiles(folder).map((rel) => `${top}/${rel}`);
    for (const f of files) chmodSync(join(tmp, 'in', f), 0o644); // the same bytes whatever the umask
    const out = join(tmp, 'profile.tar.gz');
    createTar({ file: out, cwd: join(tmp, 'in'), sync: true, gzip: { level: 9 }, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
    writeFileAtomic(path, readFileSync(out));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The regular files of a tar archive (gzip-compressed or not): path -> content. */
export function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let total = 0;
  let failure: string | undefined;
  const parser = new TarParser({
    strict: true,
    onReadEntry(entry: ReadEntry) {
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => {
        total += c.length;
        if (total > MAX_UNPACKED_BYTES) failure ??= `it unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB`;
        else chunks.push(c);
      });
      entry.on('end', () => files.set(entry.path, Buffer.concat(chunks)));
    },
  });
  parser.on('error', (e: Error) => {
    failure ??= e.message;
  });
  parser.end(archive); // node-tar parses synchronously as data is written
  if (failure) throw badBundle(`the archive is damaged or too large: ${failure}`);
  return files;
}

/** Reads a profile from a .tar.gz holding one profile folder (at the top or one folder down). */
export function readProfileTarball(path: string): FolderRead {
  let files: Map<string, Buffer>;
  try {
    files = untar(readFileSync(path));
  } catch (e) {
    throw new OtcError(TrainingErrorCode.BadBundle, `cannot read ${path} as a .tar.gz archive: ${(e as Error).message}`, {
      status: 400,
      hint: 'a profile archive is a .tar.gz of one profile folder (otc-copilot train export --out FILE.tar.gz, or tar czf)',
    });
  }
  const yamlAt = [...files.keys()].filter((f) => /(^|\/)profile\.yaml$/.test(f)).sort((a, b) => a.length - b.length)[0];
  if (!yamlAt) throw badBundle(`${path} holds no profile.yaml`);
  const root = yamlAt.slice(0, -'profile.yaml'.length);
  const tmp = mkdtempSync(join(tmpdir(), 'otc-profile-'));
  try {
    for (const [name, data] of files) {
      if (!name.startsWith(root)) continue;
      const rel = normalize(name.slice(root.length));
      if (!rel || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) throw badBundle(`${path}: the entry ${name} would be written outside the profile folder`);
      const target = join(tmp, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    return readProfileFolder(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A folder, a .json bundle or a .tar.gz archive: whichever `path` is. */
export function readProfileSource(path: string): FolderRead {
  if (!existsSync(path)) throw new OtcError('OTC_ERR_USAGE', `${path}: no such file or folder (give a profile folder, a .json training bundle or a .tar.gz archive)`, { status: 400 });
  if (existsSync(path) && statSync(path).isDirectory()) return readProfileFolder(path);
  if (/\.json$/i.test(path)) return { profile: readBundleFile(path).profile, skipped: [] };
  if (/\.(tar\.gz|tgz)$/i.test(path)) return readProfileTarball(path);
  throw new OtcError('OTC_ERR_USAGE', `${path} is neither a profile folder, a .json training bundle nor a .tar.gz archive`, { status: 400 });
}
