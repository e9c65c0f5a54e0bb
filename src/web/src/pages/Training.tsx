import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ContentPanel } from './TrainingContent.js';
import { api, ApiError, type SectionDiff, type TrainingVersionSummary, type ValidationReport, type VersionDiff } from '../api.js';
import { ReasonDialog } from '../components/ReasonDialog.js';

type Action =
  | { kind: 'validate' | 'activate' | 'rollback' | 'delete'; version: TrainingVersionSummary }
  | { kind: 'promote'; ids: string[] }
  | { kind: 'dismiss'; id: string; question: string };

const errorText = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

/**
 * Training, for admins: the versions of the datasource's training, a version's validation report,
 * validate / activate / roll back (with a reason), the diff of two versions, the schema drift of
 * the live database, and feedback candidates to promote into examples.
 */
export function TrainingPage() {
  const qc = useQueryClient();
  const versions = useQuery({ queryKey: ['training', 'versions'], queryFn: api.training.versions, staleTime: 0 });
  const meta = useQuery({ queryKey: ['meta'], queryFn: api.meta });
  const list = versions.data?.versions ?? [];
  const active = list.find((v) => v.status === 'active');
  const [selected, setSelected] = useState<string | undefined>();
  const shown = selected ?? active?.id ?? list[0]?.id;
  const [action, setAction] = useState<Action | null>(null);
  const [notice, setNotice] = useState<{ text: string; failed?: boolean } | null>(null);

  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['training'] });
    // The header (active version) and the Ask page's examples follow the active version.
    await qc.invalidateQueries({ queryKey: ['meta'] });
  };

  const run = useMutation({
    mutationFn: async ({ a, reason, today }: { a: Action; reason: string; today?: string }) => {
      switch (a.kind) {
        case 'validate': {
          const r = await api.training.validate(a.version.id, { ...(reason ? { reason } : {}), ...(today ? { today } : {}) });
          if (r.report.ok) return { text: `Version ${a.version.version} passed validation. ${r.report.summary.replace(/^PASSED:\s*/i, '')}` };
          // a failed validation is a failure, with what failed
          const what = r.report.errors.slice(0, 3).map((e) => e.message);
          const more = r.report.errors.length > 3 ? ` (and ${r.report.errors.length - 3} more in the report below)` : '';
          return { failed: true, text: `Version ${a.version.version} failed validation: ${what.join('; ')}${more}. It stays a draft: correct it, or delete it.` };
        }
        case 'delete': {
          await api.training.deleteVersion(a.version.id);
          return { text: `Draft version ${a.version.version} is deleted.` };
        }
        case 'dismiss': {
          await api.training.dismiss(a.id, reason || undefined);
          return { text: `“${a.question}” is dismissed: it will not become an example.` };
        }
        case 'activate': {
          const v = await api.training.activate(a.version.id, reason);
          return { text: `Version ${v.version} is now active; questions are answered with it.` };
        }
        case 'rollback': {
          const v = await api.training.rollback(a.version.id, reason);
          return { text: `Rolled back: version ${v.version} is active again; questions are answered with it.` };
        }
        case 'promote': {
          const r = await api.training.promote(a.ids, reason || undefined);
          return {
            text: r.created
              ? `${r.promoted} candidate(s) promoted into a new draft version ${r.version.version}: validate it, then activate it.`
              : `Version ${r.version.version} already holds these examples.`,
          };
        }
      }
    },
    onSuccess: async (message, { a }) => {
      setNotice(message);
      setAction(null);
      if (a.kind === 'validate') setSelected(a.version.id);
      if (a.kind === 'delete') setSelected(undefined);
      await refresh();
    },
  });

  const open = (a: Action) => {
    run.reset();
    setAction(a);
  };

  return (
    <div className="page training">
      <h1>Training</h1>
      <p className="muted lead">
        Questions on <strong>{versions.data?.datasource ?? '…'}</strong> are answered only with the active, validated training version. Every change below
        is recorded with its reason in the audit trail.
      </p>
      {meta.data && !meta.data.validated && (
        <div className="panel notrained" role="note">
          {meta.data.trained ? (
            <p>
              Questions are answered with <strong>{meta.data.trainingVersion}</strong>: a model trained when the server started, not a stored, validated
              version. Validate a version (as of the date its example questions were written for) and activate it.
            </p>
          ) : (
            <p>Questions are refused until a version is active: validate a version, then activate it.</p>
          )}
        </div>
      )}
      {notice && (
        <p className={notice.failed ? 'notice error' : 'notice'} role={notice.failed ? 'alert' : 'status'}>
          {notice.text}{' '}
          <button type="button" className="btn ghost small" onClick={() => setNotice(null)} aria-label="Dismiss the message">
            ✕
          </button>
        </p>
      )}

      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        {versions.isError ? (
          <p className="error" role="alert">{errorText(versions.error)}</p>
        ) : !versions.data ? (
          <p className="muted">Loading…</p>
        ) : list.length === 0 ? (
          <p>No training version has been imported for this datasource yet. Import a profile with <code>otc-copilot train import &lt;folder&gt;</code>.</p>
        ) : (
          <div className="scroll">
            <table className="result versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Content</th>
                  <th scope="col">Created</th>
                  <th scope="col">Note</th>
                  <th scope="col">Validation</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.id} className={v.id === shown ? 'selected' : undefined} aria-current={v.id === shown ? 'true' : undefined}>
                    <th scope="row">
                      {v.profileName} v{v.version}
                    </th>
                    <td>
                      <span className={`badge ${v.status}`}>{v.status === 'active' ? '● active' : v.status}</span>
                    </td>
                    <td>
                      <code className="hash" title={v.contentHash}>{v.contentHash.slice(0, 12)}</code>
                    </td>
                    <td>
                      {v.createdBy}
                      <span className="block muted small">{when(v.createdAt)}</span>
                    </td>
                    <td className="wrap note">{v.note ?? ''}</td>
                    <td>
                      {v.validation ? (
                        <span className={v.validation.ok ? 'ok' : 'error'}>{v.validation.ok ? 'passed' : 'failed'}</span>
                      ) : (
                        <span className="muted">not validated</span>
                      )}
                    </td>
                    <td>
                      <div className="row-actions">
                      <button type="button" className="btn small" onClick={() => setSelected(v.id)} aria-pressed={v.id === shown} aria-label={`Show the validation report of version ${v.version}`}>
                        Report
                      </button>
                      <button type="button" className="btn small" onClick={() => open({ kind: 'validate', version: v })} aria-label={`Validate version ${v.version}`}>
                        Validate
                      </button>
                      {v.status === 'validated' && (
                        <button type="button" className="btn small primary" onClick={() => open({ kind: 'activate', version: v })} aria-label={`Activate version ${v.version}`}>
                          Activate
                        </button>
                      )}
                      {v.status === 'draft' && (
                        <button type="button" className="btn small ghost" onClick={() => open({ kind: 'delete', version: v })} aria-label={`Delete draft version ${v.version}`}>
                          Delete
                        </button>
                      )}
                      {v.status === 'retired' && (
                        <button type="button" className="btn small" onClick={() => open({ kind: 'rollback', version: v })} aria-label={`Roll back to version ${v.version}`}>
                          Roll back to this version
                        </button>
                      )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {shown && <ValidationPanel id={shown} />}
      {list.find((v) => v.id === shown) && (
        <ContentPanel
          version={list.find((v) => v.id === shown)!}
          onSaved={(text) => {
            setNotice({ text });
            setSelected(undefined);
          }}
        />
      )}
      {list.length > 0 && <DiffPanel versions={list} />}
      {active && <DriftPanel />}
      <CandidatesPanel onPromote={(ids) => open({ kind: 'promote', ids })} onDismiss={(id, question) => open({ kind: 'dismiss', id, question })} />

      {action && (
        <ReasonDialog
          {...dialogText(action)}
          busy={run.isPending}
          error={run.isError ? errorText(run.error) : undefined}
          onCancel={() => setAction(null)}
          onConfirm={({ reason, today }) => run.mutate({ a: action, reason, today })}
        />
      )}
    </div>
  );
}

function dialogText(a: Action) {
  switch (a.kind) {
    case 'validate':
      return {
        title: `Validate version ${a.version.version}`,
        description: 'Checks every table and column the profile names, runs every example SQL through the guard and compares the engine’s answers with it.',
        confirmLabel: 'Validate',
        reasonRequired: false,
        askDate: true,
      };
    case 'activate':
      return {
        title: `Activate version ${a.version.version}`,
        description: 'Questions will be answered with this version from the next question on.',
        confirmLabel: 'Activate',
        reasonRequired: true,
      };
    case 'rollback':
      return {
        title: `Roll back to version ${a.version.version}`,
        description: 'This earlier version becomes the active one again; the current one is retired.',
        confirmLabel: 'Roll back',
        reasonRequired: true,
      };
    case 'delete':
      return {
        title: `Delete draft version ${a.version.version}`,
        description: 'A draft that was never validated nor active is removed; the history keeps that it existed.',
        confirmLabel: 'Delete',
        reasonRequired: false,
      };
    case 'dismiss':
      return {
        title: 'Dismiss this candidate',
        description: `“${a.question}” will not become an example. It stays in the audit trail.`,
        confirmLabel: 'Dismiss',
        reasonRequired: false,
      };
    case 'promote':
      return {
        title: `Promote ${a.ids.length} candidate(s)`,
        description: 'Creates a new draft version: the active one plus these examples. Validate and activate it to use it.',
        confirmLabel: 'Promote',
        reasonRequired: false,
      };
  }
}

function ValidationPanel({ id }: { id: string }) {
  const v = useQuery({ queryKey: ['training', 'version', id], queryFn: () => api.training.version(id) });
  const title = v.data ? `Validation report of version ${v.data.version}` : 'Validation report';
  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">{title}</h2>
      {v.isError ? (
        <p className="error" role="alert">{errorText(v.error)}</p>
      ) : !v.data ? (
        <p className="muted">Loading…</p>
      ) : !v.data.validation ? (
        <p>This version has not been validated yet. Validate it before it can be activated.</p>
      ) : (
        <Report r={v.data.validation} />
      )}
    </section>
  );
}

function Report({ r }: { r: ValidationReport }) {
  const passed = r.examples.filter((e) => e.pass).length;
  const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : '–');
  return (
    <>
      <p className={r.ok ? 'verdict pass' : 'verdict fail'}>
        <strong>{r.ok ? 'Passed' : 'Failed'}</strong> · {r.summary.replace(/^(PASSED|FAILED):\s*/i, '')}
      </p>
      <p className="muted small">
        Validated by {r.validatedBy} at {when(r.validatedAt)} · example questions asked as of {r.today} · {r.columns.checked} column references checked
      </p>
      {r.errors.length > 0 && (
        <>
          <h3>Problems</h3>
          <ul className="issues">
            {r.errors.map((e, i) => (
              <li key={i} className="error">
                {e.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>
        Example questions: {passed} of {r.examples.length} pass
      </h3>
      <div className="scroll">
        <table className="result examples">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Question</th>
              <th scope="col">Example SQL</th>
              <th scope="col">Engine</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {r.examples.map((e) => (
              <tr key={e.index}>
                <td className="num">{e.index + 1}</td>
                <td className="wrap">
                  {e.question}
                  {e.message && !e.pass && <span className="block small error">{e.message}</span>}
                </td>
                <td>
                  {e.sqlStatus}
                  {e.sqlRows !== undefined && <span className="muted"> · {rows(e.sqlRows)}</span>}
                </td>
                <td>
                  {e.engineStatus}
                  {e.engineRows !== undefined && <span className="muted"> · {rows(e.engineRows)}</span>}
                </td>
                <td>
                  <span className={e.pass ? 'badge pass' : 'badge fail'}>{e.pass ? '✓ pass' : '✗ fail'}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Coverage</h3>
      <p>
        Tables described: {r.coverage.tablesDescribed} of {r.coverage.tables} ({pct(r.coverage.tablesDescribed, r.coverage.tables)}) · columns described:{' '}
        {r.coverage.columnsDescribed} of {r.coverage.columns} ({pct(r.coverage.columnsDescribed, r.coverage.columns)})
      </p>
      {(r.coverage.undescribedTables.length > 0 || r.coverage.undescribedColumns.length > 0) && (
        <details>
          <summary>Without words ({r.coverage.undescribedTables.length} tables, {r.coverage.undescribedColumns.length} columns)</summary>
          <p className="small muted">{[...r.coverage.undescribedTables, ...r.coverage.undescribedColumns].join(', ')}</p>
        </details>
      )}
      <h3>Ambiguous words</h3>
      {r.ambiguities.length === 0 ? (
        <p className="muted">None: no word is given to two things of the same table.</p>
      ) : (
        <ul className="issues">
          {r.ambiguities.map((a) => (
            <li key={a.word}>
              <strong>“{a.word}”</strong> means {a.meanings.join(' or ')}
            </li>
          ))}
        </ul>
      )}
      {r.warnings.length > 0 && (
        <details>
          <summary>Warnings ({r.warnings.length})</summary>
          <ul className="issues small">
            {r.warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

const SECTIONS = ['entities', 'dimensions', 'measures', 'filters', 'joins', 'vocabulary', 'examples', 'documents'] as const;

function DiffPanel({ versions }: { versions: TrainingVersionSummary[] }) {
  const active = versions.find((v) => v.status === 'active') ?? versions[0]!;
  const other = versions.find((v) => v.id !== active.id) ?? active;
  const [from, setFrom] = useState(other.id);
  const [to, setTo] = useState(active.id);
  const [asked, setAsked] = useState<{ from: string; to: string } | null>(null);
  useEffect(() => {
    if (!versions.some((v) => v.id === from)) setFrom(other.id);
    if (!versions.some((v) => v.id === to)) setTo(active.id);
  }, [versions, from, to, other.id, active.id]);
  const diff = useQuery({ queryKey: ['training', 'diff', asked?.from, asked?.to], queryFn: () => api.training.diff(asked!.from, asked!.to), enabled: asked !== null });
  return (
    <section className="panel" aria-labelledby="diff-title">
      <h2 id="diff-title">Compare two versions</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ from, to });
        }}
      >
        <VersionSelect label="From" value={from} onChange={setFrom} versions={versions} />
        <VersionSelect label="To" value={to} onChange={setTo} versions={versions} />
        <button type="submit" className="btn">
          Show the differences
        </button>
      </form>
      {diff.isError && <p className="error" role="alert">{errorText(diff.error)}</p>}
      {diff.data && <DiffView diff={diff.data.diff} text={diff.data.text} />}
    </section>
  );
}

/** A choice of one of the versions, shown as "v3 (validated)". */
function VersionSelect({ label, value, onChange, versions }: { label: string; value: string; onChange: (id: string) => void; versions: TrainingVersionSummary[] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            v{v.version} ({v.status})
          </option>
        ))}
      </select>
    </label>
  );
}

function DiffView({ diff, text }: { diff: VersionDiff; text: string }) {
  const sections = SECTIONS.map((s) => [s, diff[s]] as [string, SectionDiff]).filter(([, d]) => d.added.length + d.removed.length + d.changed.length > 0);
  return (
    <div className="diff" aria-live="polite">
      <h3>
        Version {diff.from.version} → version {diff.to.version}
      </h3>
      {diff.identical ? (
        <p>The two versions have the same content.</p>
      ) : (
        <ul className="diff-list">
          {sections.map(([name, d]) => (
            <li key={name}>
              <strong>{name}</strong>
              <ul>
                {d.added.map((x) => (
                  <li key={`+${x}`} className="add">
                    <span aria-hidden="true">+ </span>
                    <span className="sr-only">added </span>
                    {x}
                  </li>
                ))}
                {d.removed.map((x) => (
                  <li key={`-${x}`} className="del">
                    <span aria-hidden="true">− </span>
                    <span className="sr-only">removed </span>
                    {x}
                  </li>
                ))}
                {d.changed.map((c) => (
                  <li key={`~${c.name}`} className="chg">
                    <span aria-hidden="true">~ </span>
                    <span className="sr-only">changed </span>
                    {c.name} <span className="muted">({c.fields.join(', ')})</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          <WordChanges title="words" items={diff.synonyms.map((w) => ({ key: w.of, added: w.added, removed: w.removed }))} />
          <WordChanges title="values" items={diff.values.map((v) => ({ key: v.dimension, added: v.added.slice(0, 20), removed: v.removed.slice(0, 20) }))} />
          {diff.schema.changed && (
            <li>
              <strong>schema</strong> <DriftList drift={diff.schema} />
            </li>
          )}
        </ul>
      )}
      <details>
        <summary>As text</summary>
        <pre className="difftext">{text}</pre>
      </details>
    </div>
  );
}

function DriftList({ drift }: { drift: VersionDiff['schema'] }) {
  return (
    <ul>
      {drift.tablesAdded.map((t) => (
        <li key={`ta${t}`} className="add">table {t} added</li>
      ))}
      {drift.tablesRemoved.map((t) => (
        <li key={`tr${t}`} className="del">table {t} removed</li>
      ))}
      {drift.columnsAdded.map((c) => (
        <li key={`ca${c.table}.${c.column}`} className="add">
          column {c.table}.{c.column} ({c.type}) added
        </li>
      ))}
      {drift.columnsRemoved.map((c) => (
        <li key={`cr${c.table}.${c.column}`} className="del">
          column {c.table}.{c.column} ({c.type}) removed
        </li>
      ))}
      {drift.typeChanged.map((c) => (
        <li key={`tc${c.table}.${c.column}`} className="chg">
          column {c.table}.{c.column}: type {c.from} → {c.to}
        </li>
      ))}
    </ul>
  );
}

function DriftPanel() {
  const drift = useQuery({ queryKey: ['training', 'drift'], queryFn: api.training.drift, staleTime: 0 });
  return (
    <section className="panel" aria-labelledby="drift-title">
      <h2 id="drift-title">Schema drift</h2>
      {drift.isError ? (
        <p className="error" role="alert">{errorText(drift.error)}</p>
      ) : !drift.data ? (
        <p className="muted">Reading the database…</p>
      ) : drift.data.drift.changed ? (
        <>
          <p className="error">
            The database differs from the schema version {drift.data.version.version} was trained on: re-import the profile, validate and activate the new version.
          </p>
          <div className="diff">
            <DriftList drift={drift.data.drift} />
          </div>
        </>
      ) : (
        <p>
          <span className="ok">No drift.</span> The database’s tables and columns match the schema version {drift.data.version.version} was trained on.
        </p>
      )}
      <button type="button" className="btn small" onClick={() => void drift.refetch()} disabled={drift.isFetching}>
        {drift.isFetching ? 'Checking…' : 'Check again'}
      </button>
    </section>
  );
}

function CandidatesPanel({ onPromote, onDismiss }: { onPromote: (ids: string[]) => void; onDismiss: (id: string, question: string) => void }) {
  const c = useQuery({ queryKey: ['training', 'candidates'], queryFn: api.training.candidates, staleTime: 0 });
  const [chosen, setPicked] = useState<Set<string>>(new Set());
  const list = c.data?.candidates ?? [];
  // Only candidates still waiting count (a promotion removes them from the list).
  const picked = new Set(list.filter((x) => chosen.has(x.id)).map((x) => x.id));
  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <section className="panel" aria-labelledby="cand-title">
      <h2 id="cand-title">Feedback candidates</h2>
      {c.isError ? (
        <p className="error" role="alert">{errorText(c.error)}</p>
      ) : !c.data ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted">No feedback is waiting. A thumbs up on an answer, or a thumbs down with the right SQL, appears here.</p>
      ) : (
        <>
          <div className="scroll">
            <table className="result">
              <thead>
                <tr>
                  <th scope="col"><span className="sr-only">Pick</span></th>
                  <th scope="col">Question</th>
                  <th scope="col">Feedback</th>
                  <th scope="col">SQL the example would carry</th>
                  <th scope="col">Given</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <input type="checkbox" checked={picked.has(x.id)} onChange={() => toggle(x.id)} aria-label={`Pick “${x.question}”`} />
                    </td>
                    <td className="wrap">{x.question}</td>
                    <td>{x.verdict === 'up' ? '👍 right' : '👎 corrected'}</td>
                    <td className="wrap">
                      <code className="block">{x.exampleSql}</code>
                    </td>
                    <td>
                      {when(x.createdAt)}
                      {x.asOf && <span className="block muted small">asked as of {x.asOf}</span>}
                    </td>
                    <td>
                      <button type="button" className="btn small ghost" onClick={() => onDismiss(x.id, x.question)} aria-label={`Dismiss “${x.question}”`}>
                        Dismiss
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="row" style={{ marginTop: '0.75rem' }}>
            <button type="button" className="btn primary" disabled={picked.size === 0} onClick={() => onPromote([...picked])}>
              Promote {picked.size || ''} into a new version
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** Words added to and removed from each of a diff's entries (synonyms of a name, values of a dimension); nothing when none changed. */
function WordChanges({ title, items }: { title: string; items: { key: string; added: string[]; removed: string[] }[] }) {
  if (items.length === 0) return null;
  return (
    <li>
      <strong>{title}</strong>
      <ul>
        {items.map((w) => (
          <li key={w.key} className="chg">
            {w.key}: {w.added.length > 0 && <span className="add">+ {w.added.join(', ')} </span>}
            {w.removed.length > 0 && <span className="del">− {w.removed.join(', ')}</span>}
          </li>
        ))}
      </ul>
    </li>
  );
}
