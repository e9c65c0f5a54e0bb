import type { TypedQuery } from '../../../nl2sql/semantic/query.js';
import { describeUnderstood } from '../understood.js';

/** "What was understood": the typed query the SQL came from, in a few readable lines. */
export function Understood({ query }: { query: TypedQuery }) {
  const lines = describeUnderstood(query);
  if (!lines.length) return null;
  return (
    <details className="sql understood">
      <summary>What was understood</summary>
      <dl>
        {lines.map((l) => (
          <div key={l.term}>
            <dt>{l.term}</dt>
            <dd>{l.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
