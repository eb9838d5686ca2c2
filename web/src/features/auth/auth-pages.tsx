import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/context';
import { formProblems } from '../../api/errors';
import { LoginDocument, LogoutDocument, RegisterDocument } from '../../generated/graphql';
import { Button, FormErrors, TextField } from '../../ui/components';

const FIELDS = ['email', 'password', 'name'] as const;

export function SignUpPage() {
  const { session } = useApi();
  const [register, { loading, error }] = useMutation(RegisterDocument);
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const problems = formProblems(error, FIELDS);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data } = await register({ variables: { input: form } }).catch(() => ({ data: undefined }));
    if (data) session.set(data.register);
  }
  return (
    <main className="auth-page card stack">
      <h1>Create your Centavo account</h1>
      <form className="stack" onSubmit={submit} noValidate>
        <FormErrors messages={problems.general} />
        <TextField label="Name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={problems.byField.name} required />
        <TextField label="Email" type="email" autoComplete="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={problems.byField.email} required />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          error={problems.byField.password}
          hint="At least 8 characters"
          required
        />
        <Button type="submit" disabled={loading}>
          {loading ? 'Creating…' : 'Sign up'}
        </Button>
      </form>
      <p className="muted">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}

export function SignInPage() {
  const { session } = useApi();
  const [login, { loading, error }] = useMutation(LoginDocument);
  const [form, setForm] = useState({ email: '', password: '' });
  const problems = formProblems(error, FIELDS);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data } = await login({ variables: { input: form } }).catch(() => ({ data: undefined }));
    if (data) session.set(data.login);
  }
  return (
    <main className="auth-page card stack">
      <h1>Sign in to Centavo</h1>
      <form className="stack" onSubmit={submit} noValidate>
        <FormErrors messages={problems.general} />
        <TextField label="Email" type="email" autoComplete="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={problems.byField.email} required />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          error={problems.byField.password}
          required
        />
        <Button type="submit" disabled={loading}>
          {loading ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      <p className="muted">
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
    </main>
  );
}

export function SignOutButton() {
  const api = useApi();
  const [logout] = useMutation(LogoutDocument);
  async function signOut() {
    // Revokes the refresh token family and the access token; the local session goes regardless.
    await logout({ variables: { refreshToken: api.session.get()?.refreshToken ?? null } }).catch(() => undefined);
    await api.reset();
    api.session.set(null);
  }
  return (
    <Button variant="secondary" size="small" onClick={signOut}>
      Sign out
    </Button>
  );
}
