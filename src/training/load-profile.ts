/**
 * Reads a training profile folder (profiles/<name>/*.yaml + documents/) into one validated Profile.
 * Errors name the file, the path inside it and what is wrong.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { profileInvalid, profileNotFound } from './errors.js';
import { profileSchema, type Profile } from './profile-schema.js';

const FILES = ['profile.yaml', 'entities.yaml', 'dimensions.yaml', 'measures.yaml', 'filters.yaml', 'vocabulary.yaml', 'examples.yaml'] as const;

/** The file a top-level key of the merged profile comes from. */
function fileOfKey(key: string): string {
  switch (key) {
    case 'entities':
      return 'entities.yaml';
    case 'dimensions':
      return 'dimensions.yaml';
    case 'measures':
      return 'measures.yaml';
    case 'filters':
      return 'filters.yaml';
    case 'vocabulary':
      return 'vocabulary.yaml';
    case 'examples':
      return 'examples.yaml';
    case 'documents':
      return 'documents/';
    default:
      return 'profile.yaml';
  }
}

function readYaml(dir: string, file: string): Record<string, unknown> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw profileInvalid(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const doc = parseYaml(text) as unknown;
    if (doc == null) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw profileInvalid(`${file}: the file must hold a mapping (key: value) at the top`);
    return doc as Record<string, unknown>;
  } catch (e) {
    if (e instanceof YAMLParseError) throw profileInvalid(`${file}: not valid YAML (${e.message.split('\n')[0]})`);
    throw e;
  }
}

/** Merges the files, validates the shape and the cross-references, and returns the profile. */
export function loadProfile(dir: string): Profile {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw profileNotFound(dir);
  const merged: Record<string, unknown> = {};
  for (const file of FILES) {
    const doc = readYaml(dir, file);
    if (!doc) continue;
    if (file === 'vocabulary.yaml') merged.vocabulary = doc;
    else Object.assign(merged, doc);
  }
  if (!merged.name) throw profileInvalid(`${join(dir, 'profile.yaml')}: missing (needs at least name:)`);
  const docsDir = join(dir, 'documents');
  if (existsSync(docsDir)) {
    merged.documents = readdirSync(docsDir)
      .filter((f) => /\.(md|txt)$/i.test(f))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(join(docsDir, f), 'utf8') }));
  }
  const r = profileSchema.safeParse(merged);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 20).map((i) => {
      const key = String(i.path[0] ?? '');
      const inner = key === 'vocabulary' ? i.path.slice(1) : i.path;
      return `${fileOfKey(key)} at ${inner.map(String).join('.') || '(top)'}: ${i.message}`;
    });
    throw profileInvalid(`the profile in ${dir} is not valid`, problems);
  }
  const profile = r.data;
  const problems = crossCheck(profile);
  if (problems.length) throw profileInvalid(`the profile in ${dir} is not consistent`, problems);
  return profile;
}

/** Names that refer to other parts of the profile must exist. */
export function crossCheck(p: Profile): string[] {
  const out: string[] = [];
  const entities = new Set(Object.keys(p.entities));
  const filters = new Map(p.filters.map((f) => [f.name, f]));
  const seen = new Set<string>();
  for (const [name, e] of Object.entries(p.entities)) {
    for (const f of e.defaultFilters) {
      if (!filters.has(f)) out.push(`entities.yaml at entities.${name}.defaultFilters: unknown filter '${f}'`);
      else if (filters.get(f)!.entity !== name) out.push(`entities.yaml at entities.${name}.defaultFilters: filter '${f}' belongs to entity '${filters.get(f)!.entity}'`);
    }
  }
  p.measures.forEach((m, i) => {
    if (seen.has('m:' + m.name)) out.push(`measures.yaml at measures.${i}.name: duplicate measure '${m.name}'`);
    seen.add('m:' + m.name);
    if (!entities.has(m.entity)) out.push(`measures.yaml at measures.${i}.entity: unknown entity '${m.entity}'`);
    for (const f of [...m.requires, ...(m.ratio ? [m.ratio.numerator, ...m.ratio.denominator] : [])])
      if (!filters.has(f)) out.push(`measures.yaml at measures.${i} (${m.name}): unknown filter '${f}'`);
  });
  p.filters.forEach((f, i) => {
    if (seen.has('f:' + f.name)) out.push(`filters.yaml at filters.${i}.name: duplicate filter '${f.name}'`);
    seen.add('f:' + f.name);
    if (!entities.has(f.entity)) out.push(`filters.yaml at filters.${i}.entity: unknown entity '${f.entity}'`);
  });
  p.dimensions.forEach((d, i) => {
    if (seen.has('d:' + d.name)) out.push(`dimensions.yaml at dimensions.${i}.name: duplicate dimension '${d.name}'`);
    seen.add('d:' + d.name);
  });
  return out;
}
