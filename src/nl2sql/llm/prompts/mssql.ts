import type { DialectPrompt } from './types.js';

export const mssqlPrompt: DialectPrompt = {
  name: 'mssql',
  label: 'Microsoft SQL Server (T-SQL)',
  rules: (today) => [
    `Write date literals as CAST('${today}' AS date). GETDATE() and SYSDATETIME() are NOT today: always use CAST('${today}' AS date).`,
    `Date arithmetic: DATEADD(day, -7, CAST('${today}' AS date)), DATEADD(month, -1, …); whole days between: DATEDIFF(day, a, b).`,
    `Period starts: DATEFROMPARTS(YEAR(d), MONTH(d), 1) for the month; DATEADD(day, -((DATEPART(weekday, d) + @@DATEFIRST - 2) % 7), d) for the Monday of d's week.`,
    "Day label 'YYYY-MM-DD': CONVERT(varchar(10), d, 23); month label 'YYYY-MM': CONVERT(varchar(7), d, 23).",
    'Limit rows with SELECT TOP (n) …; there is no LIMIT. ORDER BY in a subquery needs TOP. A derived table needs an alias.',
    'Integer division truncates: write 100.0 * a / b for percentages. Flags stored as SMALLINT compare with = 1 / = 0.',
    'Quote identifiers with [brackets] only when needed. String concatenation is + or CONCAT().',
  ],
};
