import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type AskAnswer } from '../api.js';
import { Answer } from '../components/Answer.js';

interface Turn {
  id: number;
  question: string;
  answer?: AskAnswer;
  error?: string;
  /** The error was OTC_ERR_NOT_TRAINED. */
  notTrained?: boolean;
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
  const nextId = useRef(1);
  const endRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    endRef.current?.scrollIntoView({ behavior: 'smooth', block: 'end' });
  }, [turns]);

  const ask = async (q: string) => {
    const text = q.trim();
    if (!text || busy) return;
    const id = nextId.current++;
    setTurns((t) => [...t, { id, question: text }]);
    setQuestion('');
    setBusy(true);
    try {
      const answer = await api.ask(text);
      setTurns((t) => t.map((x) => (x.id === id ? { ...x, answer } : x)));
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
    <div className="ask">
      <h1 className="sr-only">Ask</h1>
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
            {t.answer ? (
              <Answer answer={t.answer} onAsk={(q) => void ask(q)} canSave={canSave} />
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
  );
}
