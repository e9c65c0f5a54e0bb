import { z } from 'zod';
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

/** A real calendar day as YYYY-MM-DD: 2026-13-45 and 2026-02-30 are refused before anything runs. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date (YYYY-MM-DD)');
