import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type AskAnswer, type ChoicePick, type ThreadTurnView } from '../api.js';
import { Answer } from '../components/Answer.js';
import { Choices } from '../components/Choices.js';
import { History } from '../components/History.js';

interface Turn {
  id: number;
  question: string;
  answer?: AskAnswer;
  /** A turn of a thread opened from the history: what was answered then (no rows kept). */
  past?: ThreadTurnView;
  error?: string;
  /** The error was OTC_ERR_NOT_TRAINED. */
  notTrained?: boolean;
}

/** The open thread survives navigation and reload (the thread itself is kept on the server). */
const THREAD_KEY = 'otc.ask.thread';
const storedThread = (): string | undefined => {
  try {
    return sessionStorage.getItem(THREAD_KEY) ?? undefined;
  } catch {
    return undefined;
  }
};
const storeThread = (id: string | undefined) => {
  try {
    if (id) sessionStorage.setItem(THREAD_KEY, id);
    else sessionStorage.removeItem(THREAD_KEY);
  } catch {
    /* private mode: the thread is still in the history list */
  }
};

/** A question of a thread opened from the history: what was understood and run then. */
function PastTurn({ turn }: { turn: ThreadTurnView }) {
  return (
    <div className={`answer past ${turn.status}`}>
      <p className="explanation">{turn.explanation}</p>
      <p className="muted small">
        Asked on data as of {turn.asOf}
        {turn.rowCount !== null ? ` · ${turn.rowCount} row${turn.rowCount === 1 ? '' : 's'}` : ''}. Re-run the thread to see today's figures.
      </p>
      {turn.sql && (
        <details>
          <summary>SQL</summary>
          <pre className="sql">{turn.sql}</pre>
        </details>
      )}
    </div>
  );
}

const NOT_TRAINED = 'OTC_ERR_NOT_TRAINED';

/** Why nothing is answered (no active training version), and for admins the way to the Training page. */
function NotTrained({ message, canTrain, navigate }: { message: string; canTrain: boolean; navigate: (to: string) => void }) {
  return (
    <>
      <p>{message.charAt(0).toUpperCase() + message.slice(1)}</p>
      {canTrain ? (
        <p>
          <a
            href="/training"
            onClick={(e) => {
              e.preventDefault();
              navigate('/training');
            }}
          >
            Open the Training page
          </a>{' '}
          to validate and activate a version.
        </p>
      ) : (
        <p className="muted">Ask an administrator to activate a training version.</p>
      )}
    </>
  );
}

/** The Ask page: a thread of questions and answers, with the profile's examples to start from. */
export function AskPage({ canTrain = false, canSave = false, navigate = () => undefined }: { canTrain?: boolean; canSave?: boolean; navigate?: (to: string) => void }) {
  const meta = useQuery({ queryKey: ['meta'], queryFn: api.meta });
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [threadId, setThreadId] = useState<string | undefined>(storedThread);
  const queryClient = useQueryClient();
  const nextId = useRef(1);
  const endRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    endRef.current?.scrollIntoView({ behavior: 'smooth', block: 'end' });
  }, [turns]);

  const openThread = useCallback(async (id: string) => {
    try {
      const t = await api.threads.get(id);
      setTurns(t.items.map((it) => ({ id: nextId.current++, question: it.question, past: it })));
      setThreadId(t.id);
      storeThread(t.id);
    } catch {
      // gone (or another user's): start afresh
      setTurns([]);
      setThreadId(undefined);
      storeThread(undefined);
    }
  }, []);
  // a thread open before a reload or a visit to another page is opened again
  useEffect(() => {
    const id = storedThread();
    if (id) void openThread(id);
  }, []);
  const newThread = () => {
    setTurns([]);
    setThreadId(undefined);
    storeThread(undefined);
    inputRef.current?.focus();
  };
  const rerun = async () => {
    if (!threadId || busy) return;
    setBusy(true);
    try {
      const answers = await api.threads.rerun(threadId);
      setTurns(answers.map((a) => ({ id: nextId.current++, question: a.question, answer: a })));
    } catch (e) {
      const error = e instanceof ApiError ? `${e.message} (${e.code})` : 'The server cannot be reached.';
      setTurns((t) => [...t, { id: nextId.current++, question: 'Re-run on today\'s data', error }]);
    } finally {
      setBusy(false);
    }
  };

  /** Asks in the open thread; `choice` answers the "which one?" of the turn `replace`. */
  const ask = async (q: string, choice?: ChoicePick, replace?: number) => {
    const text = q.trim();
    if (!text || busy) return;
    const id = replace ?? nextId.current++;
    if (replace === undefined) setTurns((t) => [...t, { id, question: text }]);
    else setTurns((t) => t.map((x) => (x.id === id ? { id, question: text } : x)));
    if (!choice) setQuestion('');
    setBusy(true);
    try {
      const answer = await api.ask(text, { threadId, choice });
      if (answer.threadId) {
        setThreadId(answer.threadId);
        storeThread(answer.threadId);
      }
      setTurns((t) => t.map((x) => (x.id === id ? { ...x, answer } : x)));
      void queryClient.invalidateQueries({ queryKey: ['threads'] });
    } catch (e) {
      const notTrained = e instanceof ApiError && e.code === NOT_TRAINED;
      const error = e instanceof ApiError ? (notTrained ? e.message : `${e.message} (${e.code})`) : 'The server cannot be reached.';
      setTurns((t) => t.map((x) => (x.id === id ? { ...x, error, notTrained } : x)));
      if (notTrained) void meta.refetch();
    } finally {
      setBusy(false);
      inputRef.current?.focus();
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void ask(question);
  };
  const examples = meta.data?.examples ?? [];

  return (
    <div className="ask-layout">
    <div className="ask">
      <h1 className="sr-only">Ask</h1>
      {threadId && turns.length > 0 && (
        <div className="thread-bar">
          <span className="muted small">Follow-up questions refine the last answer ("and by currency?", "only EUR", "same for last week").</span>
          <button type="button" className="btn" onClick={() => void rerun()} disabled={busy}>
            Re-run on today's data
          </button>
          <button type="button" className="btn" onClick={newThread} disabled={busy}>
            New thread
          </button>
        </div>
      )}
      <section className="thread" aria-label="Questions and answers" aria-live="polite">
        {meta.data && !meta.data.trained && (
          <div className="panel notrained" role="alert">
            <h2>Questions cannot be answered yet</h2>
            <NotTrained message={meta.data.notTrained?.message ?? 'No active training version.'} canTrain={canTrain} navigate={navigate} />
          </div>
        )}
        {turns.length === 0 && meta.data?.trained !== false && (
          <div className="empty panel">
            <h2>Ask about your OTC operations in plain English</h2>
            <p className="muted">
              {meta.data?.profileDescription ? `${meta.data.profileDescription}. ` : ''}Every answer shows the SQL that produced it and is recorded in the audit trail.
            </p>
            {examples.length > 0 && (
              <>
                <h3>Questions to try</h3>
                <ul className="chips">
                  {examples.slice(0, 8).map((q) => (
                    <li key={q}>
                      <button type="button" className="chip" onClick={() => void ask(q)}>
                        {q}
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {turns.map((t) => (
          <article key={t.id} className="turn" aria-label={`Question: ${t.question}`}>
            <p className="question">
              <span className="sr-only">You asked: </span>
              {t.question}
            </p>
            {t.answer?.follows && (
              <p className="follows muted">
                Follow-up of “{t.answer.follows.question}”
              </p>
            )}
            {t.answer?.status === 'choose' ? (
              <Choices message={t.answer.message ?? t.answer.explanation} options={t.answer.choices ?? []} disabled={busy} onPick={(pick) => void ask(t.question, pick, t.id)} />
            ) : t.answer ? (
              <Answer answer={t.answer} onAsk={(q) => void ask(q)} canSave={canSave} />
            ) : t.past ? (
              <PastTurn turn={t.past} />
            ) : t.error ? (
              <div className="answer error" role="alert">
                {t.notTrained ? <NotTrained message={t.error} canTrain={canTrain} navigate={navigate} /> : <p>{t.error}</p>}
              </div>
            ) : (
              <div className="answer pending" aria-busy="true">
                <span className="dots" aria-hidden="true" /> Working on it…
              </div>
            )}
          </article>
        ))}
        <div ref={endRef} />
      </section>
      <form className="askbox" onSubmit={submit} role="search" aria-label="Ask a question">
        <label htmlFor="question" className="sr-only">
          Your question
        </label>
        <input
          id="question"
          ref={inputRef}
          list="example-questions"
          placeholder="Ask a question, e.g. How many settlements failed yesterday?"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          maxLength={1000}
          autoComplete="off"
          autoFocus
        />
        <datalist id="example-questions">
          {examples.map((q) => (
            <option key={q} value={q} />
          ))}
        </datalist>
        <button type="submit" className="btn primary" disabled={busy || !question.trim()}>
          {busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
    </div>
    <History current={threadId} onOpen={(id) => void openThread(id)} onNew={newThread} />
    </div>
  );
}
