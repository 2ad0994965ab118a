import { useState, type FormEvent } from 'react';
import type { Viewer } from '../api/backend';
import { signIn } from '../api/session';

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice?: string;
  onSignedIn(token: string, viewer: Viewer): void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const outcome = await signIn(email.trim(), password);
    setBusy(false);
    if (outcome.ok) onSignedIn(outcome.token, outcome.viewer);
    else setError(outcome.message);
  };

  return (
    <main className="sign-in">
      <form className="sign-in-form" onSubmit={(event) => void submit(event)}>
        <h1>Backdesk console</h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="sign-in-email">Work email</label>
        <input
          id="sign-in-email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
