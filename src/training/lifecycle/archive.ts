/**
 * A whole training profile as a folder (the layout of profiles/otc-ops/: profile.yaml,
 * entities.yaml, dimensions.yaml, measures.yaml, filters.yaml, vocabulary.yaml, examples.yaml,
 * documents/) or as one JSON bundle file, so a bank can keep its profile in git and move it
 * between environments. Import -> export -> import gives the same content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { crossCheck, loadProfile } from '../load-profile.js';
import { profileSchema, type Profile } from '../profile-schema.js';
import { profileInvalid } from '../errors.js';
import { badBundle, TrainingErrorCode } from './errors.js';
import { OtcError } from '../../shared/errors.js';

export const BUNDLE_FORMAT = 'otc-copilot/training-bundle@1';

/** One file holding a whole profile (what `train export --out x.json` writes and `import` reads). */
export interface TrainingBundle {
  format: typeof BUNDLE_FORMAT;
  profile: Profile;
  /** Where it was exported from (informative; import trains against the target database). */
  source?: { datasource: string; version: number; contentHash: string; exportedAt: string };
}

export interface FolderRead {
  profile: Profile;
  /** Files of documents/ that were not read (PDF and other formats are not supported). */
  skipped: string[];
}

/** Documents in name order, so the same folder always gives the same profile. */
function sortDocuments(p: Profile): Profile {
  return { ...p, documents: [...p.documents].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/**
 * Reads a profile folder: the YAML files and documents/*.md|*.txt (through loadProfile), plus
 * documents/*.csv (glossary terms). Other files in documents/ (e.g. PDF) are listed as skipped.
 */
export function readProfileFolder(dir: string): FolderRead {
  const profile = loadProfile(dir);
  const docsDir = join(dir, 'documents');
  const skipped: string[] = [];
  if (existsSync(docsDir)) {
    for (const f of readdirSync(docsDir).sort()) {
      if (!statSync(join(docsDir, f)).isFile() || /\.(md|txt)$/i.test(f)) continue;
      if (/\.csv$/i.test(f)) profile.documents.push({ name: f, text: readFileSync(join(docsDir, f), 'utf8') });
      else skipped.push(f);
    }
  }
  return { profile: sortDocuments(profile), skipped };
}

/** Parses and checks a profile given as data (a bundle's profile, an API body). */
export function parseProfile(data: unknown): Profile {
  const r = profileSchema.safeParse(data);
  if (!r.success) {
    throw profileInvalid(
      'the profile is not valid',
      r.error.issues.slice(0, 20).map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`),
    );
  }
  const problems = crossCheck(r.data);
  r.data.documents.forEach((d, i) => {
    if (!/\.(md|txt|csv)$/i.test(d.name) || d.name !== basename(d.name) || d.name.startsWith('.'))
      problems.push(`documents.${i}.name: "${d.name}" must be a plain file name ending in .md, .txt or .csv`);
  });
  if (problems.length) throw profileInvalid('the profile is not consistent', problems);
  return sortDocuments(r.data);
}

/** Parses a bundle (its text or its JSON value). */
export function parseBundle(input: string | unknown): TrainingBundle {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (e) {
      throw badBundle(`the training bundle is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!data || typeof data !== 'object' || (data as { format?: unknown }).format !== BUNDLE_FORMAT)
    throw badBundle(`not a training bundle (expected "format": "${BUNDLE_FORMAT}")`);
  const b = data as { profile?: unknown; source?: TrainingBundle['source'] };
  if (!b.profile) throw badBundle('the training bundle has no profile');
  return { format: BUNDLE_FORMAT, profile: parseProfile(b.profile), ...(b.source ? { source: b.source } : {}) };
}

export function readBundleFile(path: string): TrainingBundle {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw badBundle(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseBundle(text);
}



const OTHER_FILE_KEYS = new Set(['entities', 'dimensions', 'measures', 'filters', 'vocabulary', 'examples', 'documents']);

const HEADER = '# Exported by otc-copilot train export. The schema snapshot and the value index are read from the database at import.\n';

function safeDocName(name: string): string {
  if (!name || name !== basename(name) || name.startsWith('.') || /[\\/:*?"<>|]/.test(name))
    throw new OtcError(TrainingErrorCode.ExportTarget, `document name "${name}" cannot be written as a file`, { status: 400 });
  return name;
}

/** A file-system failure while exporting, as one coded line naming the target. */
function cannotWrite(target: string, e: unknown): OtcError {
  if (e instanceof OtcError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'its folder does not exist'
    : code === 'EISDIR' ? 'it is a folder'
    : code === 'ENOTDIR' ? 'a part of the path is not a folder'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOSPC' ? 'the disk is full'
    : code === 'EROFS' ? 'the file system is read-only'
    : (code ?? (e as Error).message);
  return new OtcError(TrainingErrorCode.ExportTarget, `cannot write ${target}: ${why}; nothing was written`, { status: 400, cause: e });
}

/**
 * Writes `data` to `path` through a temporary file beside it, renamed at the end: a failed
 * write leaves neither a half file nor a damaged earlier one. Errors: OTC_ERR_TRAINING_EXPORT_TARGET.
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.partial-${process.pid}`;
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw new OtcError(TrainingErrorCode.ExportTarget, `cannot write ${path}: it is a folder; name a file`, { status: 400 });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, e);
  }
}

/**
 * Writes a profile as a folder. Refuses a folder that already holds a profile.yaml unless
 * `overwrite` is set, so an export never silently replaces someone's work. The files are written
 * into a temporary folder beside the target first and moved in at the end, so a failure (a bad
 * document name, a full disk) leaves no half-written profile.
 */
export function writeProfileFolder(profile: Profile, dir: string, opts: { overwrite?: boolean } = {}): string[] {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OtcError(TrainingErrorCode.ExportTarget, `${dir} exists and is not a folder`, { status: 400 });
  if (existsSync(join(dir, 'profile.yaml')) && !opts.overwrite)
    throw new OtcError(TrainingErrorCode.ExportTarget, `${dir} already holds a profile (profile.yaml); choose an empty folder or pass --overwrite`, { status: 409 });
  for (const d of profile.documents) safeDocName(d.name); // every name checked before anything is written
  const staging = `${resolve(dir)}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const written = writeProfileFiles(profile, staging);
    if (!existsSync(dir)) {
      mkdirSync(dirname(resolve(dir)), { recursive: true });
      renameSync(staging, dir);
    } else {
      for (const f of written) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        renameSync(join(staging, f), join(dir, f));
      }
      mkdirSync(join(dir, 'documents'), { recursive: true });
    }
    return written;
  } catch (e) {
    throw cannotWrite(dir, e);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function writeProfileFiles(profile: Profile, dir: string): string[] {
  mkdirSync(join(dir, 'documents'), { recursive: true });
  const files: Record<string, unknown> = {
    // name, description, joins and any other top-level setting (e.g. a later examplesAsOf) round-trip through profile.yaml
    'profile.yaml': Object.fromEntries(Object.entries(profile).filter(([k]) => !OTHER_FILE_KEYS.has(k))),
    'entities.yaml': { entities: profile.entities },
    'dimensions.yaml': { dimensions: profile.dimensions },
    'measures.yaml': { measures: profile.measures },
    'filters.yaml': { filters: profile.filters },
    'vocabulary.yaml': profile.vocabulary,
    'examples.yaml': { examples: profile.examples },
  };
  const written: string[] = [];
  for (const [file, doc] of Object.entries(files)) {
    writeFileSync(join(dir, file), HEADER + toYaml(doc, { lineWidth: 0 }));
    written.push(file);
  }
  for (const d of profile.documents) {
    writeFileSync(join(dir, 'documents', safeDocName(d.name)), d.text);
    written.push(`documents/${d.name}`);
  }
  return written;
}

export function toBundle(profile: Profile, source?: TrainingBundle['source']): TrainingBundle {
  return { format: BUNDLE_FORMAT, profile, ...(source ? { source } : {}) };
}

export function writeBundleFile(bundle: TrainingBundle, path: string, opts: { overwrite?: boolean } = {}): void {
  if (existsSync(path) && !opts.overwrite) throw new OtcError(TrainingErrorCode.ExportTarget, `${path} already exists; choose another file or pass --overwrite`, { status: 409 });
  writeFileAtomic(path, JSON.stringify(bundle, null, 2) + '\n');
}
