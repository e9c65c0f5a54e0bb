import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Role, type User } from '../api.js';

const ROLES: Role[] = ['viewer', 'analyst', 'admin', 'auditor'];

/**
 * User administration for admins: each user's role, whether the account is disabled, a password
 * reset (the user chooses their own at the next sign-in), deletion of a user the audit trail never
 * names; and a form to add a local user.
 */
export function UsersPage() {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: api.users });
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'viewer' as Role });
  const create = useMutation({
    mutationFn: () => api.createUser({ ...form, displayName: form.displayName || undefined }),
    onSuccess: () => {
      setForm({ username: '', displayName: '', password: '', role: 'viewer' });
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="page">
      <h1>Users</h1>
      <section className="panel">
        {users.data ? (
          <table className="result users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <UserRow key={u.id} user={u} onChanged={() => void qc.invalidateQueries({ queryKey: ['users'] })} />
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
      <form className="panel filters" onSubmit={submit} aria-labelledby="new-user">
        <h2 id="new-user">Add a user</h2>
        <label>
          User name <input required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </label>
        <label>
          Display name <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </label>
        <label>
          Password (12+ characters) <input required type="password" minLength={12} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        <label>
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn primary" disabled={create.isPending}>
          Add user
        </button>
        {create.isError && <p className="error" role="alert">{(create.error as Error).message}</p>}
      </form>
    </div>
  );
}

/** One user: role and status editable in place, password reset and delete with their outcome said next to them. */
function UserRow({ user: u, onChanged }: { user: User; onChanged: () => void }) {
  const [message, setMessage] = useState<{ text: string; error?: boolean; secret?: string }>();
  const act = async (what: () => Promise<unknown>, done: (r: unknown) => { text: string; secret?: string }) => {
    setMessage(undefined);
    try {
      const r = await what();
      setMessage(done(r));
      onChanged();
    } catch (e) {
      setMessage({ text: e instanceof Error ? e.message : 'Not changed.', error: true });
    }
  };
  const local = u.authProvider === 'local';
  return (
    <tr className={u.disabled ? 'disabled-user' : undefined}>
      <td>{u.username}</td>
      <td>{u.displayName ?? ''}</td>
      <td>
        <select
          aria-label={`Role of ${u.username}`}
          value={u.role}
          onChange={(e) => {
            const role = e.target.value as Role;
            void act(() => api.updateUser(u.id, { role }), () => ({ text: `Role is now ${role}.` }));
          }}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>
        {u.disabled ? 'Disabled' : 'Active'}
        {u.mustChangePassword ? <span className="muted small"> · must choose a new password</span> : null}
      </td>
      <td>{u.lastLoginAt?.replace('T', ' ').slice(0, 16) ?? 'never'}</td>
      <td className="user-actions">
        <div className="row-actions">
        <button type="button" className="btn small" onClick={() => void act(() => api.updateUser(u.id, { disabled: !u.disabled }), () => ({ text: u.disabled ? 'Enabled.' : 'Disabled: their sessions ended.' }))}>
          {u.disabled ? 'Enable' : 'Disable'}
        </button>
        {local && (
          <button
            type="button"
            className="btn small"
            onClick={() =>
              void act(
                () => api.resetPassword(u.id, { mustChange: true }),
                (r) => ({ text: 'New password (shown once; they choose their own at the next sign-in):', secret: (r as { password?: string }).password }),
              )
            }
          >
            Reset password
          </button>
        )}
        <button
          type="button"
          className="btn small ghost"
          onClick={() => {
            if (window.confirm(`Delete ${u.username}? Only a user who never appears in the audit trail can be deleted.`)) void act(() => api.deleteUser(u.id), () => ({ text: 'Deleted.' }));
          }}
        >
          Delete
        </button>
        </div>
        {message && (
          <p className={message.error ? 'error small' : 'muted small'} role={message.error ? 'alert' : 'status'}>
            {message.text} {message.secret && <code className="secret">{message.secret}</code>}
          </p>
        )}
      </td>
    </tr>
  );
}
