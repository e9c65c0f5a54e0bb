import type { z } from 'zod';

/**
 * A zod issue as a person reads it: "must be a whole number", "must be at least 1",
 * "must be one of table, json, csv". A message the schema wrote itself is kept as it is.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { expected?: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; origin?: string; values?: unknown[] };
  const own = !/^(Invalid input|Invalid option|Too small|Too big)\b/.test(issue.message);
  if (own) return issue.message;
  switch (i.code) {
    case 'invalid_type':
      if (i.expected === 'int') return 'must be a whole number';
      if (i.expected === 'number') return 'must be a number';
      if (i.expected === 'string' || i.expected === 'nonoptional') return 'is required';
      return `must be a ${i.expected}`;
    case 'too_small':
      if (i.origin === 'number' || i.origin === 'int' || i.origin === 'bigint') return i.inclusive ? `must be at least ${i.minimum}` : `must be more than ${i.minimum}`;
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'must not be empty' : `must be at least ${i.minimum} characters`;
      return issue.message;
    case 'too_big':
      if (i.origin === 'number' || i.origin === 'int' || i.origin === 'bigint') return i.inclusive ? `must be at most ${i.maximum}` : `must be less than ${i.maximum}`;
      if (i.origin === 'string') return `must be at most ${i.maximum} characters`;
      return issue.message;
    case 'invalid_value':
      return i.values?.length ? `must be one of ${i.values.map(String).join(', ')}` : issue.message;
    default:
      return issue.message;
  }
}
