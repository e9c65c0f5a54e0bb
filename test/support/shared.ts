/**
 * The project's shared reference material (benchmark database and questions, schema) lives in
 * `shared/` beside the repository: `<repo>/../shared` on developer machines and in CI. Set
 * OTC_SHARED_DIR to use another copy.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../../', import.meta.url).pathname);

export const SHARED_DIR: string = process.env.OTC_SHARED_DIR ?? [join(repo, '..', 'shared'), '/work/shared'].find((d) => existsSync(d)) ?? join(repo, '..', 'shared');

export function sharedFile(rel: string): string {
  const p = join(SHARED_DIR, rel);
  if (!existsSync(p)) throw new Error(`shared file missing: ${p} (set OTC_SHARED_DIR to the folder holding benchmark/ and ops-schema/)`);
  return p;
}
