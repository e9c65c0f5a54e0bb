/**
 * Editing a version's examples and documents (glossary terms are CSV documents) from the web
 * app: each change is a new draft version made from the one edited, validated and activated like
 * any other. The semantic model and the value index are kept as they are (neither depends on them).
 */
import { z } from 'zod';
import { exampleSchema } from '../profile-schema.js';
import { badBundle } from './errors.js';
import type { ChangeBy, TrainingContext } from './types.js';
import { createVersion, loadVersionModel, type CreatedVersion } from './versions.js';

const documentSchema = z.object({ name: z.string().trim().min(1).max(200), text: z.string().max(1_000_000) });
export const contentEditSchema = z
  .object({ examples: z.array(exampleSchema).max(5000).optional(), documents: z.array(documentSchema).max(500).optional() })
  .refine((e) => e.examples !== undefined || e.documents !== undefined, 'change the examples, the documents or both');
export type ContentEdit = z.input<typeof contentEditSchema>;

/** A new draft version: version `ref` with its examples and/or documents replaced. */
export async function editContent(ctx: TrainingContext, ref: string | number, edit: ContentEdit, by: ChangeBy): Promise<CreatedVersion> {
  const parsed = contentEditSchema.safeParse(edit);
  if (!parsed.success) throw badBundle(parsed.error.issues.map((i) => `${i.path.join('.') || 'edit'}: ${i.message}`).join('; '));
  const names = parsed.data.documents?.map((d) => d.name.toLowerCase()) ?? [];
  if (new Set(names).size !== names.length) throw badBundle('two documents have the same name');
  const model = await loadVersionModel(ctx, ref);
  const base = await ctx.store.db.selectFrom('training_versions').select(['id', 'version']).where('datasource', '=', ctx.datasourceKey).where('id', '=', typeof ref === 'string' ? ref : '').executeTakeFirst();
  const profile = {
    ...model.profile,
    ...(parsed.data.examples ? { examples: parsed.data.examples } : {}),
    ...(parsed.data.documents ? { documents: parsed.data.documents } : {}),
  };
  const changed = [parsed.data.examples ? `${parsed.data.examples.length} example(s)` : '', parsed.data.documents ? `${parsed.data.documents.length} document(s)` : ''].filter(Boolean).join(' and ');
  return createVersion(ctx, {
    model: { ...model, profile },
    by: { actor: by.actor, reason: by.reason ?? `edited: ${changed}` },
    action: 'edit',
    parentVersionId: base?.id ?? null,
    details: { edited: Object.keys(parsed.data) },
  });
}
