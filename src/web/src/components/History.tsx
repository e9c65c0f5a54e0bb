import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';

/** The signed-in user's threads (kept on the server), searchable; opening one continues it. */
export function History({ current, onOpen, onNew }: { current?: string; onOpen: (id: string) => void; onNew: () => void }) {
  const [search, setSearch] = useState('');
  const list = useQuery({ queryKey: ['threads', search], queryFn: () => api.threads.list(search) });
  return (
    <aside className="history panel" aria-label="History">
      <div className="history-head">
        <h2>History</h2>
        <button type="button" className="btn" onClick={onNew}>
          New thread
        </button>
      </div>
      <label htmlFor="history-search" className="sr-only">
        Search history
      </label>
      <input id="history-search" type="search" placeholder="Search history" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} />
      {list.isError && <p className="muted">History cannot be loaded.</p>}
      <ul className="threads">
        {(list.data ?? []).map((t) => (
          <li key={t.id}>
            <button type="button" className={`thread-link${t.id === current ? ' current' : ''}`} aria-current={t.id === current ? 'true' : undefined} onClick={() => onOpen(t.id)}>
              <span className="thread-title">{t.title}</span>
              <span className="muted small">
                {t.turns} question{t.turns === 1 ? '' : 's'} · {new Date(t.updatedAt).toLocaleString()}
              </span>
            </button>
          </li>
        ))}
        {list.data && list.data.length === 0 && <li className="muted">{search.trim() ? 'No thread matches.' : 'No questions yet.'}</li>}
      </ul>
    </aside>
  );
}
