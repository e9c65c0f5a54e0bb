/**
 * A profile folder as one .tar.gz file (ustar, deterministic: sorted names, zero times, so the
 * same profile always gives the same bytes). Reading accepts archives made by `tar czf`
 * (GNU long names and pax path records included); anything but regular files is ignored and
 * paths that would leave the folder are refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Profile } from '../profile-schema.js';
import { OtcError } from '../../shared/errors.js';
import { readBundleFile, readProfileFolder, writeFileAtomic, writeProfileFolder, type FolderRead } from './archive.js';
import { badBundle, TrainingErrorCode } from './errors.js';

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let path = name;
  let prefix = '';
  if (Buffer.byteLength(path) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw badBundle(`file name too long for the archive: ${name}`);
    prefix = name.slice(0, cut);
    path = name.slice(cut + 1);
  }
  h.write(path, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

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
    writeProfileFolder(profile, tmp);
    const top = profile.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'profile';
    const parts: Buffer[] = [];
    for (const rel of listFiles(tmp)) {
      const data = readFileSync(join(tmp, rel));
      parts.push(header(`${top}/${rel}`, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK, 0));
    }
    parts.push(Buffer.alloc(BLOCK * 2, 0));
    writeFileAtomic(path, gzipSync(Buffer.concat(parts), { level: 9 }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function text(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? s.length : nul).toString('utf8');
}

/** The regular files of a tar archive: path -> content. */
export function untar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let off = 0;
  let longName: string | undefined;
  while (off + BLOCK <= tar.length) {
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(text(h, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw badBundle('the archive is damaged (bad entry size)');
    const type = String.fromCharCode(h[156] ?? 0);
    const body = tar.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    const prefix = text(h, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0') continue;
    files.set(name, Buffer.from(body));
  }
  return files;
}

/** Reads a profile from a .tar.gz holding one profile folder (at the top or one folder down). */
export function readProfileTarball(path: string): FolderRead {
  let tar: Buffer;
  try {
    tar = gunzipSync(readFileSync(path));
  } catch (e) {
    throw new OtcError(TrainingErrorCode.BadBundle, `cannot read ${path} as a .tar.gz archive: ${(e as Error).message}`, {
      status: 400,
      hint: 'a profile archive is a .tar.gz of one profile folder (otc-copilot train export --out FILE.tar.gz, or tar czf)',
    });
  }
  const files = untar(tar);
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
