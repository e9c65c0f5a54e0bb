import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.js';

export function SignInPage({ onSignedIn }: { onSignedIn: (m: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [providers, setProviders] = useState<Awaited<ReturnType<typeof api.providers>>>();
  useEffect(() => {
    api.providers().then(setProviders, () => undefined);
  }, []);
  const sso = providers?.sso ? `${providers.ssoLoginUrl ?? '/api/auth/oidc/login'}?returnTo=${encodeURIComponent(window.location.pathname === '/signin' ? '/' : window.location.pathname)}` : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.login(username.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server cannot be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="panel signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand large">
          <svg width="34" height="34" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="#1d4ed8" />
            <path d="M8 21l5-6 4 3 7-9" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <span>OTC Ops Copilot</span>
        </div>
        <h1 id="signin-title">Sign in</h1>
        {sso && (
          <>
            <a className="btn primary" href={sso}>
              Sign in with single sign-on
            </a>
            <p className="muted">{providers?.passwords === 'emergency_admin_only' ? 'Password sign-in is for the emergency administrator only.' : 'Passwords are turned off on this server.'}</p>
          </>
        )}
        <label htmlFor="username">User name</label>
        <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
