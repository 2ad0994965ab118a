import { useCallback, useEffect, useState } from 'react';
import { BackendProvider, type Backend, type Viewer } from './api/backend';
import { forgetSession, openBackend, resumeSession } from './api/session';
import { ConsoleShell } from './components/ConsoleShell';
import { SignIn } from './components/SignIn';

type AppState =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'signed-in'; backend: Backend };

/** Signed in or not: the console itself, or the sign-in form. */
export function App() {
  const [state, setState] = useState<AppState>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  const start = useCallback((token: string, viewer: Viewer) => {
    const backend = openBackend(token, viewer, (reason) => {
      forgetSession(backend);
      setState({ kind: 'signed-out', notice: reason });
    });
    setState({ kind: 'signed-in', backend });
  }, []);

  useEffect(() => {
    let cancelled = false;
    void resumeSession().then((kept) => {
      if (cancelled) return;
      if (kept.kind === 'valid') start(kept.token, kept.viewer);
      else if (kept.kind === 'unreachable')
        setState({ kind: 'unreachable', message: kept.message });
      else setState({ kind: 'signed-out' });
    });
    return () => {
      cancelled = true;
    };
  }, [start, attempt]);

  switch (state.kind) {
    case 'checking':
      return <p className="page-message">Loading the console…</p>;
    case 'unreachable':
      return (
        <div className="page-message" role="alert">
          <p>{state.message}</p>
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      );
    case 'signed-out':
      return <SignIn notice={state.notice} onSignedIn={start} />;
    case 'signed-in':
      return (
        <BackendProvider backend={state.backend}>
          <ConsoleShell />
        </BackendProvider>
      );
  }
}
