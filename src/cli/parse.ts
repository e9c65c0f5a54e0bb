import type { z } from 'zod';
import { describeIssue } from '../config/index.js';
import { OtcError } from '../shared/errors.js';

/** zod-parses a command's flags; a bad flag is one clear line (OTC_ERR_USAGE, exit 2). */
export function parseFlags<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = issue.path.length ? String(issue.path[0]) : undefined;
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'arguments';
  throw new OtcError('OTC_ERR_USAGE', `${flag}: ${describeIssue(issue)}`, { status: 400 });
}
