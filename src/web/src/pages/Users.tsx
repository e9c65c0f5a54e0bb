import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Role } from '../api.js';

/** User administration for admins: the list and a form to add a local user. */
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
          <table className="result">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.displayName ?? ''}</td>
                  <td>{u.role}</td>
                  <td>{u.lastLoginAt?.replace('T', ' ').slice(0, 16) ?? 'never'}</td>
                </tr>
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
            <option value="viewer">viewer</option>
            <option value="analyst">analyst</option>
            <option value="admin">admin</option>
            <option value="auditor">auditor</option>
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
