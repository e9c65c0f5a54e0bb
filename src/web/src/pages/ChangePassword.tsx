import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.js';

/** Shown instead of every page while an administrator's password has not been replaced by the user's own. */
export function ChangePasswordPage({ me, onChanged, onSignOut }: { me: Me; onChanged: (m: Me) => void; onSignOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setError('The two new passwords differ.');
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.changePassword(current, next));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server cannot be reached.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form className="panel signin-card" onSubmit={submit} aria-labelledby="pw-title">
        <h1 id="pw-title">Choose your password</h1>
        <p className="muted">An administrator set the password of {me.user.username}. Choose your own (12 characters or more) before going on.</p>
        <label htmlFor="pw-current">Password you were given</label>
        <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus />
        <label htmlFor="pw-new">New password</label>
        <input id="pw-new" type="password" autoComplete="new-password" minLength={12} required value={next} onChange={(e) => setNext(e.target.value)} />
        <label htmlFor="pw-again">New password again</label>
        <input id="pw-again" type="password" autoComplete="new-password" minLength={12} required value={again} onChange={(e) => setAgain(e.target.value)} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save and continue'}
        </button>
        <button type="button" className="btn ghost" onClick={onSignOut}>
          Sign out
        </button>
      </form>
    </main>
  );
}
