import { useMemo, useState } from 'react';
import { chooseChart, formatValue, headerOf, switchChart, type ChartKind, type ChartSpec, type ColumnFormat } from '../../../charts/index.js';
import { api, exportUrl, type AskAnswer } from '../api.js';
import { Chart } from './Chart.js';
import { ScheduleAsReport } from './ScheduleAsReport.js';
import { ResultTable } from './ResultTable.js';
import { SaveAsWidget } from './SaveAsWidget.js';
import { Understood } from './Understood.js';

const KIND_LABEL: Record<ChartKind, string> = { kpi: 'Number', bar: 'Bar', line: 'Line', pie: 'Pie', scatter: 'Scatter', table: 'Table' };

/** One answer of the thread: explanation, chart (switchable), table, SQL, what was understood, downloads, feedback. */
export function Answer({ answer, onAsk, canSave = false }: { answer: AskAnswer; onAsk: (q: string) => void; canSave?: boolean }) {
  if (answer.status === 'abstained') {
    return (
      <div className="answer abstained">
        <p className="explanation">{answer.explanation || answer.message || "I can't answer that from this data."}</p>
        {answer.suggestions && answer.suggestions.length > 0 && (
          <>
            <p className="label">Questions I can answer:</p>
            <ul className="chips" aria-label="Suggested questions">
              {answer.suggestions.map((s) => (
                <li key={s}>
                  <button type="button" className="chip" onClick={() => onAsk(s)}>
                    {s}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    );
  }
  if (answer.status !== 'answered') {
    return (
      <div className={`answer ${answer.status}`} role="alert">
        <p className="explanation">{notAnsweredText(answer)}</p>
        {answer.code && <p className="muted small">Code {answer.code}</p>}
        {answer.sql && <SqlBlock sql={answer.sql} />}
        {answer.understood && <Understood query={answer.understood} />}
      </div>
    );
  }
  return <Answered answer={answer} canSave={canSave} onAsk={onAsk} />;
}

/** "Refused: …" or "Could not answer: …", said once even when the message already starts with it. */
export function notAnsweredText(answer: Pick<AskAnswer, 'status' | 'message' | 'explanation'>): string {
  const lead = answer.status === 'refused' ? 'Refused' : 'Could not answer';
  const text = (answer.message ?? answer.explanation ?? '').trim();
  const rest = text.replace(/^(refused|could not answer)\s*[:.-]\s*/i, '');
  return `${lead}: ${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/** A top N that answered with the tied groups ("include ties"): how many rows that made. */
function tiesKeptNote(answer: AskAnswer, rowCount: number): string | undefined {
  const q = answer.understood;
  if (!q?.withTies || q.limit === undefined || rowCount <= q.limit) return undefined;
  return `${rowCount} rows for a top ${q.limit}: every one tied with the ${q.limit === 1 ? 'first' : 'last'} place is included.`;
}

/** A top N whose Nth ties with groups beyond it: the note, and the follow-up that includes them. */
function EdgeTies({ ties, onAsk }: { ties: NonNullable<AskAnswer['ties']>; onAsk?: (q: string) => void }) {
  return (
    <p className="ties-note" role="note">
      <span>{ties.note}</span>
      {onAsk && (
        <button type="button" className="chip" onClick={() => onAsk(ties.followUp)}>
          Include ties
        </button>
      )}
    </p>
  );
}

function Answered({ answer, canSave, onAsk }: { answer: AskAnswer; canSave: boolean; onAsk?: (q: string) => void }) {
  const data = useMemo(() => ({ columns: answer.columns ?? [], rows: answer.rows ?? [], formats: answer.columnFormats }), [answer]);
  const auto = useMemo(() => chooseChart(data, answer.question), [data, answer.question]);
  const [spec, setSpec] = useState<ChartSpec>(auto);
  const rowCount = answer.rowCount ?? data.rows.length;

  return (
    <div className="answer answered">
      <p className="explanation">{answer.explanation}</p>
      {tiesKeptNote(answer, rowCount) && <p className="muted small ties-kept">{tiesKeptNote(answer, rowCount)}</p>}
      {answer.ties && <EdgeTies ties={answer.ties} onAsk={onAsk} />}
      <p className="muted small meta-line">
        {rowCount.toLocaleString('en-US')} row{rowCount === 1 ? '' : 's'}
        {answer.truncated ? ' (cut at the row cap)' : ''} · {Math.round(answer.ms)} ms · {answer.engine === 'llm' ? 'language model' : 'semantic engine'}
      </p>
      {auto.options.length > 1 && (
        <div
          className="switcher"
          role="radiogroup"
          aria-label="Show as"
          onKeyDown={(e) => {
            // Arrow keys move the choice, as in any radio group.
            const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
            if (!step) return;
            e.preventDefault();
            const i = (auto.options.indexOf(spec.kind) + step + auto.options.length) % auto.options.length;
            setSpec(switchChart(auto, auto.options[i]!, data) ?? auto);
            const buttons = e.currentTarget.querySelectorAll<HTMLButtonElement>('[role="radio"]');
            buttons[i]?.focus();
          }}
        >
          {auto.options.map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={spec.kind === k}
              tabIndex={spec.kind === k ? 0 : -1}
              className={spec.kind === k ? 'seg on' : 'seg'}
              onClick={() => setSpec(switchChart(auto, k, data) ?? auto)}
            >
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
      )}
      {spec.kind === 'kpi' ? (
        <Kpi spec={spec} columns={data.columns} row={data.rows[0] ?? []} formats={data.formats} />
      ) : spec.kind !== 'table' ? (
        <Chart spec={spec} data={data} label={`${KIND_LABEL[spec.kind]} chart: ${answer.explanation}`} />
      ) : null}
      {data.rows.length > 0 && (spec.kind !== 'kpi' || data.columns.length > 1) ? (
        <ResultTable columns={data.columns} rows={data.rows} formats={data.formats} caption={`Result of: ${answer.question}`} />
      ) : data.rows.length === 0 ? (
        <p className="muted">No rows match.</p>
      ) : null}
      {answer.sql && <SqlBlock sql={answer.sql} />}
      {answer.understood && <Understood query={answer.understood} />}
      <div className="actions">
        {answer.auditId && (
          <>
            <a className="btn small" href={exportUrl(answer.auditId, 'csv')} download>
              Download CSV
            </a>
            <a className="btn small" href={exportUrl(answer.auditId, 'xlsx')} download>
              Download XLSX
            </a>
          </>
        )}
        {canSave && answer.auditId && <SaveAsWidget auditId={answer.auditId} kind={spec.kind} title={answer.question} />}
        {canSave && answer.auditId && <SaveQuestion auditId={answer.auditId} chart={spec} />}
        {canSave && answer.auditId && <ScheduleAsReport auditId={answer.auditId} chart={spec} />}
        <span className="spacer" />
        {answer.auditId && <Feedback auditId={answer.auditId} sql={answer.sql} />}
      </div>
    </div>
  );
}

function Kpi({ spec, columns, row, formats }: { spec: ChartSpec; columns: string[]; row: unknown[]; formats?: ColumnFormat[] }) {
  const i = spec.measures[0] ?? 0;
  return (
    <div className="kpi" data-chart-kind="kpi">
      <div className="kpi-value">{formatValue(row[i], formats?.[i])}</div>
      <div className="kpi-label">
        {headerOf(columns[i] ?? '', formats?.[i])}
        {spec.category !== undefined ? ` · ${formatValue(row[spec.category], formats?.[spec.category])}` : ''}
      </div>
    </div>
  );
}

export function SqlBlock({ sql }: { sql: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <details className="sql">
      <summary>SQL</summary>
      <div className="sql-body">
        <pre>
          <code>{sql}</code>
        </pre>
        <button
          type="button"
          className="btn small"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(sql);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? 'Copied' : 'Copy SQL'}
        </button>
      </div>
    </details>
  );
}

/** Saves the answer (its question, SQL, typed query, training version and the chart shown) as a saved question. */
function SaveQuestion({ auditId, chart }: { auditId: string; chart: ChartSpec }) {
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [message, setMessage] = useState('');
  if (state === 'saved') return <span className="muted small" role="status">Saved. It runs again on current data from Reports.</span>;
  return (
    <>
      <button
        type="button"
        className="btn small"
        disabled={state === 'saving'}
        onClick={async () => {
          setState('saving');
          try {
            await api.saved.save(auditId, { chart: { kind: chart.kind } });
            setState('saved');
          } catch (e) {
            setMessage(e instanceof Error ? e.message : 'Not saved.');
            setState('error');
          }
        }}
      >
        Save question
      </button>
      {state === 'error' && <span className="error small" role="alert">{message}</span>}
    </>
  );
}

function Feedback({ auditId, sql }: { auditId: string; sql?: string }) {
  const [state, setState] = useState<'idle' | 'correcting' | 'sending' | 'sent' | 'error'>('idle');
  const [corrected, setCorrected] = useState(sql ?? '');
  const [verdict, setVerdict] = useState<'up' | 'down'>();
  const send = async (v: 'up' | 'down', correctedSql?: string) => {
    setVerdict(v);
    setState('sending');
    try {
      await api.feedback(auditId, v, correctedSql);
      setState('sent');
    } catch {
      setState('error');
    }
  };
  if (state === 'sent') return <span className="muted small" role="status">Thanks, your feedback ({verdict === 'up' ? 'right' : 'wrong'} answer) is recorded.</span>;
  return (
    <div className="feedback">
      {state !== 'correcting' ? (
        <div className="thumbs" role="group" aria-label="Was this answer right?">
          <button type="button" className="btn small icon" aria-label="Good answer" title="Good answer" onClick={() => send('up')} disabled={state === 'sending'}>
            <Thumb />
          </button>
          <button type="button" className="btn small icon" aria-label="Wrong answer" title="Wrong answer" onClick={() => setState('correcting')} disabled={state === 'sending'}>
            <Thumb down />
          </button>
          {state === 'error' && <span className="error small" role="alert">Not sent; try again.</span>}
        </div>
      ) : (
        <form
          className="correct"
          onSubmit={(e) => {
            e.preventDefault();
            const c = corrected.trim();
            void send('down', c && c !== sql?.trim() ? c : undefined);
          }}
        >
          <label htmlFor={`fix-${auditId}`}>Corrected SQL (optional)</label>
          <textarea id={`fix-${auditId}`} rows={4} value={corrected} onChange={(e) => setCorrected(e.target.value)} spellCheck={false} />
          <div className="row">
            <button type="submit" className="btn small primary">Send feedback</button>
            <button type="button" className="btn small ghost" onClick={() => setState('idle')}>Cancel</button>
          </div>
        </form>
      )}
    </div>
  );
}

function Thumb({ down = false }: { down?: boolean }) {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" style={down ? { transform: 'rotate(180deg)' } : undefined}>
      <path
        d="M7 10v11H3V10h4zm2 11h8.3a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 18.7 10H14l.8-4.2a1.5 1.5 0 0 0-.4-1.3L13.3 3.4 8.6 8.6A2 2 0 0 0 9 10v11z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </svg>
  );
}
