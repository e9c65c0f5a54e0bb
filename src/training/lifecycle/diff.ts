/**
 * The difference between two training versions: what was added, removed or changed in each part
 * of the profile (entities, dimensions, measures, filters, joins, vocabulary, examples,
 * documents), which words (synonyms) were added or removed, which values of the value index
 * changed, and the schema drift between their snapshots.
 */
import { canonicalize } from '../../audit/index.js';
import type { Profile } from '../profile-schema.js';
import type { TrainedModel } from '../types.js';
import { valueNames } from './content.js';
import { diffSnapshots, formatDrift } from './drift.js';
import type { SectionDiff, WordChange, VersionDiff } from './report-types.js';
export type { SectionDiff, WordChange, VersionDiff } from './report-types.js';




const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);

function section<T>(a: Map<string, T>, b: Map<string, T>, ignore: string[] = []): SectionDiff {
  const out: SectionDiff = { added: [], removed: [], changed: [] };
  for (const k of b.keys()) if (!a.has(k)) out.added.push(k);
  for (const k of a.keys()) if (!b.has(k)) out.removed.push(k);
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined || same(va, vb)) continue;
    if (va && vb && typeof va === 'object' && typeof vb === 'object' && !Array.isArray(va)) {
      const ra = va as Record<string, unknown>;
      const rb = vb as Record<string, unknown>;
      const fields = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((f) => !ignore.includes(f) && !same(ra[f], rb[f])).sort();
      if (fields.length) out.changed.push({ name: k, fields });
    } else out.changed.push({ name: k, fields: ['value'] });
  }
  return out;
}

function wordsOf(p: Profile): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [n, e] of Object.entries(p.entities)) {
    m.set(`entity '${n}'`, e.words);
    for (const d of e.dates) m.set(`date '${d.column}' of entity '${n}'`, d.words);
  }
  for (const d of p.dimensions) {
    m.set(`dimension '${d.name}'`, d.words);
    for (const [v, syns] of Object.entries(d.values?.synonyms ?? {})) m.set(`value '${v}' of dimension '${d.name}'`, syns);
  }
  for (const x of p.measures) m.set(`measure '${x.name}'`, x.words);
  for (const x of p.filters) m.set(`filter '${x.name}'`, x.words);
  for (const [c, syns] of Object.entries(p.vocabulary.currency?.names ?? {})) m.set(`currency '${c}'`, syns);
  return m;
}

export function diffModels(a: TrainedModel, b: TrainedModel, ids: { from: VersionDiff['from']; to: VersionDiff['to'] }): VersionDiff {
  const pa = a.profile;
  const pb = b.profile;
  const byName = <T extends { name: string }>(xs: T[]) => new Map(xs.map((x) => [x.name, x]));
  const synonyms: WordChange[] = [];
  const wa = wordsOf(pa);
  const wb = wordsOf(pb);
  for (const of of new Set([...wa.keys(), ...wb.keys()])) {
    const x = new Set(wa.get(of) ?? []);
    const y = new Set(wb.get(of) ?? []);
    const added = [...y].filter((w) => !x.has(w));
    const removed = [...x].filter((w) => !y.has(w));
    if (added.length || removed.length) synonyms.push({ of, added, removed });
  }
  const va = valueNames(a);
  const vb = valueNames(b);
  const values: VersionDiff['values'] = [];
  for (const dim of [...new Set([...Object.keys(va), ...Object.keys(vb)])].sort()) {
    const x = new Set(va[dim] ?? []);
    const y = new Set(vb[dim] ?? []);
    const added = [...y].filter((v) => !x.has(v));
    const removed = [...x].filter((v) => !y.has(v));
    if (added.length || removed.length) values.push({ dimension: dim, added, removed });
  }
  const vocab = (p: Profile) => new Map(Object.entries(p.vocabulary as Record<string, unknown>));
  const d: VersionDiff = {
    from: ids.from,
    to: ids.to,
    identical: ids.from.contentHash === ids.to.contentHash,
    entities: section(new Map(Object.entries(pa.entities)), new Map(Object.entries(pb.entities)), ['words']),
    dimensions: section(byName(pa.dimensions), byName(pb.dimensions), ['words']),
    measures: section(byName(pa.measures), byName(pb.measures), ['words']),
    filters: section(byName(pa.filters), byName(pb.filters), ['words']),
    joins: section(new Map(pa.joins.map((j) => [`${j.from} -> ${j.to}`, j])), new Map(pb.joins.map((j) => [`${j.from} -> ${j.to}`, j]))),
    vocabulary: section(vocab(pa), vocab(pb)),
    examples: section(new Map(pa.examples.map((e) => [e.question, e])), new Map(pb.examples.map((e) => [e.question, e]))),
    documents: section(byName(pa.documents), byName(pb.documents)),
    synonyms,
    values,
    schema: diffSnapshots(a.snapshot, b.snapshot),
  };
  if (pa.name !== pb.name || pa.description !== pb.description) d.vocabulary.changed.push({ name: 'profile', fields: ['name/description'] });
  return d;
}

/** The diff as text a person reads. */
export function formatDiff(d: VersionDiff): string {
  const lines = [`Version ${d.from.version} -> version ${d.to.version}${d.identical ? ': identical content' : ''}`];
  const sec = (title: string, s: SectionDiff) => {
    if (!s.added.length && !s.removed.length && !s.changed.length) return;
    lines.push(`${title}:`);
    for (const x of s.added) lines.push(`  + ${x}`);
    for (const x of s.removed) lines.push(`  - ${x}`);
    for (const x of s.changed) lines.push(`  ~ ${x.name} (${x.fields.join(', ')})`);
  };
  sec('Entities', d.entities);
  sec('Dimensions', d.dimensions);
  sec('Measures', d.measures);
  sec('Filters', d.filters);
  sec('Joins', d.joins);
  sec('Vocabulary', d.vocabulary);
  sec('Examples', d.examples);
  sec('Documents (rules)', d.documents);
  if (d.synonyms.length) {
    lines.push('Words (synonyms):');
    for (const w of d.synonyms) lines.push(`  ${w.of}: ${[...w.added.map((x) => `+"${x}"`), ...w.removed.map((x) => `-"${x}"`)].join(' ')}`);
  }
  if (d.values.length) {
    lines.push('Values:');
    for (const v of d.values) {
      const show = (xs: string[], sign: string) => xs.slice(0, 10).map((x) => `${sign}${x}`).concat(xs.length > 10 ? [`${sign}… ${xs.length - 10} more`] : []);
      lines.push(`  ${v.dimension}: ${[...show(v.added, '+'), ...show(v.removed, '-')].join(', ')}`);
    }
  }
  if (d.schema.changed) lines.push(formatDrift(d.schema));
  if (lines.length === 1 && !d.identical) lines.push('No difference in the profile, words, values or schema (only capture details differ).');
  return lines.join('\n');
}
