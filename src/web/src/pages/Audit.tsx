import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type AuditRecord, type VerifyResult } from '../api.js';
import { AUDIT_KIND_OPTIONS as KINDS } from '../audit-kinds.js';

const OUTCOMES = ['', 'ok', 'refused', 'abstained', 'error', 'started', 'completed'];
const PAGE = 100;
const EMPTY = { text: '', kind: '', actor: '', outcome: '', datasource: '', from: '', to: '' };

/** The audit trail for auditors and admins: chain status, search with keyset paging, one record with its linked records. */
export function AuditPage() {
  const [filters, setFilters] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  // keyset paging: the `before` cursor of each page shown so far (undefined = newest)
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [opened, setOpened] = useState<number | undefined>();
  const before = cursors[cursors.length - 1];
  const verify = useQuery({ queryKey: ['audit-verify'], queryFn: api.verifyAudit });
  const status = useQuery({ queryKey: ['audit-status', verify.dataUpdatedAt], queryFn: api.auditStatus, enabled: !verify.isPending });
  const records = useQuery({ queryKey: ['audit', applied, before], queryFn: () => api.audit({ ...applied, limit: PAGE, ...(before ? { before } : {}) }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
    setCursors([undefined]);
  };
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });
  const last = status.data?.lastVerification;

  return (
    <div className="page">
      <h1>Audit trail</h1>
      <section className="panel" aria-labelledby="verify-title">
        <h2 id="verify-title">Chain status</h2>
        {verify.isPending ? <p className="muted">Verifying…</p> : <ChainStatus v={verify.data} error={verify.error as Error | null} />}
        {last ? <p className="muted">Last verification: {last.at.replace('T', ' ').slice(0, 19)} UTC ({last.result.ok ? 'intact' : 'broken'})</p> : null}
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
          User <input value={filters.actor} onChange={set('actor')} />
        </label>
        <label>
          Outcome
          <select value={filters.outcome} onChange={set('outcome')}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Datasource <input value={filters.datasource} onChange={set('datasource')} placeholder="engine" />
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
      {opened !== undefined ? <RecordPanel seq={opened} onClose={() => setOpened(undefined)} onOpen={setOpened} /> : null}
      <section className="panel" aria-label="Audit records">
        {records.isPending ? (
          <p className="muted">Loading…</p>
        ) : records.isError ? (
          <p className="error">{(records.error as Error).message}</p>
        ) : records.data.records.length === 0 ? (
          <p className="muted">No records match.</p>
        ) : (
          <>
            <RecordTable records={records.data.records} onOpen={setOpened} />
            <nav className="pager" aria-label="Pages">
              <button type="button" className="btn small" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer
              </button>
              <span className="muted">page {cursors.length}</span>
              <button type="button" className="btn small" disabled={!records.data.nextBefore} onClick={() => setCursors([...cursors, records.data.nextBefore])}>
                Older
              </button>
            </nav>
          </>
        )}
      </section>
    </div>
  );
}

function ChainStatus({ v, error }: { v: VerifyResult | undefined; error: Error | null }) {
  if (!v) return <p className="error" role="alert">✘ {error?.message}</p>;
  if (!v.ok) {
    return (
      <p className="error" role="alert">
        ✘ Broken: {JSON.stringify(v.brokenAt)}
      </p>
    );
  }
  const c = v.lastCheckpoint;
  return (
    <>
      <p className="ok" role="status">
        ✔ Intact: {v.count.toLocaleString('en-US')} records, head #{v.headSeq} <code className="hash">{v.headHash?.slice(0, 16)}…</code>
        {v.prunedThrough ? ` (records up to #${v.prunedThrough} archived and pruned)` : ''}
      </p>
      <p className={c ? 'muted' : 'warn'}>
        {c
          ? `Signed checkpoint: record #${c.seq} at ${c.ts.replace('T', ' ').slice(0, 19)} UTC (key ${c.keyId}, ${c.source === 'file' ? 'checkpoint file' : 'head anchor'})`
          : 'No signed checkpoint checked: the chain is not authenticated by a key.'}
        {v.unsignedAfter !== undefined ? ` Records after #${v.unsignedAfter} are not covered yet.` : ''}
      </p>
    </>
  );
}

function RecordTable({ records, onOpen }: { records: AuditRecord[]; onOpen: (seq: number) => void }) {
  return (
    <div className="scroll">
      <table className="result audit">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Kind</th>
            <th scope="col">User</th>
            <th scope="col">Outcome</th>
            <th scope="col">Datasource</th>
            <th scope="col">Question / SQL</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id}>
              <td className="num">
                <button type="button" className="link" onClick={() => onOpen(r.seq)} aria-label={`Open record ${r.seq}`}>
                  {r.seq}
                </button>
              </td>
              <td>{r.ts.replace('T', ' ').slice(0, 19)}</td>
              <td>{r.kind}</td>
              <td>{r.actor}</td>
              <td>{r.outcome}</td>
              <td>{r.engine ?? ''}</td>
              <td className="wrap">
                {r.question ?? ''}
                {r.sql ? <code className="block">{r.sql}</code> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One record in full, with the records linked to it by correlation id (question -> SQL -> run -> export or delivery). */
function RecordPanel({ seq, onClose, onOpen }: { seq: number; onClose: () => void; onOpen: (seq: number) => void }) {
  const q = useQuery({ queryKey: ['audit-record', seq], queryFn: () => api.auditRecord(seq) });
  return (
    <section className="panel" aria-labelledby="record-title">
      <h2 id="record-title">
        Record #{seq}{' '}
        <button type="button" className="btn small" onClick={onClose}>
          Close
        </button>
      </h2>
      {q.isPending ? (
        <p className="muted">Loading…</p>
      ) : q.isError ? (
        <p className="error">{(q.error as Error).message}</p>
      ) : (
        <>
          <dl className="record">
            {Object.entries(q.data.record).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{typeof v === 'object' ? <code className="block">{JSON.stringify(v, null, 2)}</code> : String(v)}</dd>
              </div>
            ))}
          </dl>
          <h3>Linked records{q.data.record.correlationId ? ` (correlation ${q.data.record.correlationId})` : ''}</h3>
          <RecordTable records={q.data.linked} onOpen={onOpen} />
        </>
      )}
    </section>
  );
}

/** The export of what the page shows: every filter applied to the search goes into the file's query. */
function exportHref(format: 'csv' | 'jsonl', f: typeof EMPTY): string {
  const p = new URLSearchParams({ format, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '')) });
  return `/api/audit/export?${p}`;
}
