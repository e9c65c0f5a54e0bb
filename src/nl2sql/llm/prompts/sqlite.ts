import type { DialectPrompt } from './types.js';

export const sqlitePrompt: DialectPrompt = {
  name: 'sqlite',
  label: 'SQLite',
  rules: (today) => [
    "Dates are stored as TEXT 'YYYY-MM-DD' and compare as text: write date literals as '2026-01-31'.",
    `Date arithmetic uses date(): date('${today}', '-7 days'), date('${today}', '+1 month'), date('${today}', 'start of month'), date('${today}', 'start of year').`,
    `The Monday of the week containing d: date(d, '-6 days', 'weekday 1') (for today: date('${today}', '-6 days', 'weekday 1')).`,
    'Whole days between two dates: CAST(julianday(b) - julianday(a) AS INTEGER).',
    "Month label 'YYYY-MM': strftime('%Y-%m', d); day of week: strftime('%w', d) (0 = Sunday).",
    'Limit rows with LIMIT n at the end. There is no TOP, no INTERVAL, no date_trunc, no DATEADD.',
    'Integer division truncates: write 100.0 * a / b for percentages.',
    'Quote identifiers with double quotes only when needed. String concatenation is ||.',
  ],
};
