import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, type TrainingDocument, type TrainingExample, type TrainingVersionSummary } from '../api.js';

const errorText = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));

/**
 * The examples and documents (glossary terms are CSV documents) of a version, editable by admins:
 * saving makes a new draft version from this one, to validate and activate like any other.
 */
export function ContentPanel({ version, onSaved }: { version: TrainingVersionSummary; onSaved: (message: string) => void }) {
  const qc = useQueryClient();
  const content = useQuery({ queryKey: ['training', 'content', version.id], queryFn: () => api.training.content(version.id) });
  const [examples, setExamples] = useState<TrainingExample[]>([]);
  const [documents, setDocuments] = useState<TrainingDocument[]>([]);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (content.data) {
      setExamples(content.data.examples);
      setDocuments(content.data.documents);
      setDirty(false);
    }
  }, [content.data]);
  const save = useMutation({
    mutationFn: () => api.training.editContent(version.id, { examples, documents }),
    onSuccess: async (r) => {
      setDirty(false);
      onSaved(r.created ? `Your changes are draft version ${r.version.version}: validate it, then activate it.` : `Version ${r.version.version} already holds this content.`);
      await qc.invalidateQueries({ queryKey: ['training'] });
    },
  });
  const setExample = (i: number, e: Partial<TrainingExample>) => {
    setExamples((xs) => xs.map((x, j) => (j === i ? { ...x, ...e } : x)));
    setDirty(true);
  };
  const setDocument = (i: number, d: Partial<TrainingDocument>) => {
    setDocuments((xs) => xs.map((x, j) => (j === i ? { ...x, ...d } : x)));
    setDirty(true);
  };
  return (
    <section className="panel" aria-labelledby="content-title">
      <h2 id="content-title">Examples and documents of version {version.version}</h2>
      <p className="muted small">Saving makes a new draft version from this one; validate and activate it to answer with it. Glossary terms are CSV documents (term,definition).</p>
      {content.isError ? (
        <p className="error" role="alert">{errorText(content.error)}</p>
      ) : !content.data ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <details>
            <summary>Example questions ({examples.length})</summary>
            <ol className="content-list">
              {examples.map((x, i) => (
                <li key={i}>
                  <label>
                    Question {i + 1}
                    <input value={x.question} onChange={(e) => setExample(i, { question: e.target.value })} />
                  </label>
                  <label>
                    SQL of question {i + 1}
                    <textarea rows={2} spellCheck={false} value={x.sql} onChange={(e) => setExample(i, { sql: e.target.value })} />
                  </label>
                  <label className="inline">
                    Asked as of <input type="date" value={x.asOf ?? ''} onChange={(e) => setExample(i, { asOf: e.target.value || undefined })} aria-label={`As-of date of question ${i + 1}`} />
                  </label>
                  <button type="button" className="btn small ghost" onClick={() => (setExamples((xs) => xs.filter((_, j) => j !== i)), setDirty(true))}>
                    Remove question {i + 1}
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" className="btn small" onClick={() => (setExamples((xs) => [...xs, { question: '', sql: '' }]), setDirty(true))}>
              Add an example
            </button>
          </details>
          <details>
            <summary>Documents ({documents.length})</summary>
            <ol className="content-list">
              {documents.map((d, i) => (
                <li key={i}>
                  <label>
                    Document name {i + 1}
                    <input value={d.name} onChange={(e) => setDocument(i, { name: e.target.value })} />
                  </label>
                  <label>
                    Text of {d.name || `document ${i + 1}`}
                    <textarea rows={4} value={d.text} onChange={(e) => setDocument(i, { text: e.target.value })} />
                  </label>
                  <button type="button" className="btn small ghost" onClick={() => (setDocuments((xs) => xs.filter((_, j) => j !== i)), setDirty(true))}>
                    Remove {d.name || `document ${i + 1}`}
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" className="btn small" onClick={() => (setDocuments((xs) => [...xs, { name: 'glossary.csv', text: 'term,definition\n' }]), setDirty(true))}>
              Add a document or glossary
            </button>
          </details>
          <div className="row" style={{ marginTop: '0.75rem' }}>
            <button type="button" className="btn primary" disabled={!dirty || save.isPending} onClick={() => save.mutate()}>
              Save as a new draft version
            </button>
            {save.isError && (
              <span className="error" role="alert">
                {errorText(save.error)}
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
