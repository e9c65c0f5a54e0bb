import type { DialectPrompt } from './types.js';

export const postgresPrompt: DialectPrompt = {
  name: 'postgres',
  label: 'PostgreSQL',
  rules: (today) => [
    `Write date literals as DATE '${today}'.`,
    `Date arithmetic: DATE '${today}' - 7 (a date minus an integer is a date), DATE '${today}' - INTERVAL '1 month' (cast back with ::date), CURRENT_DATE is NOT today: always use DATE '${today}'.`,
    `Period starts: date_trunc('week', d)::date is the Monday of d's week; date_trunc('month', DATE '${today}')::date; date_trunc('year', DATE '${today}')::date.`,
    'Whole days between two DATE values: b - a (an integer). EXTRACT(ISODOW FROM d) gives 1 = Monday … 7 = Sunday.',
    "Month label 'YYYY-MM': to_char(d, 'YYYY-MM'); day label: to_char(d, 'YYYY-MM-DD').",
    'Limit rows with LIMIT n at the end. There is no TOP, no DATEADD, no DATEDIFF.',
    'Integer division truncates: write 100.0 * a / b for percentages. ILIKE matches case-insensitively.',
    'Quote identifiers with double quotes only when needed. String concatenation is ||.',
  ],
};
