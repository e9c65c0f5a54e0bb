import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { AUDIT_KIND_OPTIONS as KINDS } from '../audit-kinds.js';

/** The audit trail for auditors and admins: chain verification and search. */
export function AuditPage() {
  const [filters, setFilters] = useState({ text: '', kind: '', actor: '', from: '', to: '' });
  const [applied, setApplied] = useState(filters);
  const verify = useQuery({ queryKey: ['audit-verify'], queryFn: api.verifyAudit });
  const records = useQuery({ queryKey: ['audit', applied], queryFn: () => api.audit({ ...applied, limit: 200 }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
  };
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });

  return (
    <div className="page">
      <h1>Audit trail</h1>
      <section className="panel" aria-labelledby="verify-title">
        <h2 id="verify-title">Chain verification</h2>
        {verify.isPending ? (
          <p className="muted">Verifying…</p>
        ) : verify.data?.ok ? (
          <p className="ok" role="status">
            ✔ Intact: {verify.data.count.toLocaleString('en-US')} records, head #{verify.data.headSeq} <code className="hash">{verify.data.headHash?.slice(0, 16)}…</code>
          </p>
        ) : (
          <p className="error" role="alert">
            ✘ {verify.data ? `Broken: ${JSON.stringify(verify.data.brokenAt)}` : (verify.error as Error)?.message}
          </p>
        )}
        <button type="button" className="btn small" onClick={() => void verify.refetch()}>
          Verify again
        </button>
      </section>
      <form className="panel filters" onSubmit={submit} aria-label="Search the audit trail">
        <label>
          Text <input value={filters.text} onChange={set('text')} placeholder="question, SQL or id" />
        </label>
        <label>
          Kind
          <select value={filters.kind} onChange={set('kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor <input value={filters.actor} onChange={set('actor')} />
        </label>
        <label>
          From <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          To <input type="date" value={filters.to} onChange={set('to')} />
        </label>
        <button type="submit" className="btn primary">
          Search
        </button>
        <span className="spacer" />
        <a className="btn" href={exportHref('csv', applied)} download>
          Export CSV
        </a>
        <a className="btn" href={exportHref('jsonl', applied)} download>
          Export JSON lines
        </a>
      </form>
      <section className="panel" aria-label="Audit records">
        {records.isPending ? (
          <p className="muted">Loading…</p>
        ) : records.isError ? (
          <p className="error">{(records.error as Error).message}</p>
        ) : records.data.records.length === 0 ? (
          <p className="muted">No records match.</p>
        ) : (
          <div className="scroll">
            <table className="result audit">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Question / SQL</th>
                </tr>
              </thead>
              <tbody>
                {records.data.records.map((r) => (
                  <tr key={r.id}>
                    <td className="num">{r.seq}</td>
                    <td>{r.ts.replace('T', ' ').slice(0, 19)}</td>
                    <td>{r.kind}</td>
                    <td>{r.actor}</td>
                    <td>{r.outcome}</td>
                    <td className="wrap">{r.question ?? ''}{r.sql ? <code className="block">{r.sql}</code> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function exportHref(format: 'csv' | 'jsonl', f: { from: string; to: string }): string {
  const p = new URLSearchParams({ format, ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) });
  return `/api/audit/export?${p}`;
}
