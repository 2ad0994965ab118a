import { useBackend, useMissedChanges } from '../api/backend';
import { formatTime } from '../model/labels';
import { navigate, parseRoute } from '../model/router';

/** What was committed while the console was offline, replayed when it reconnected. */
export function MissedChangesPanel() {
  const { missed } = useBackend();
  const changes = useMissedChanges();
  if (changes.length === 0) return null;
  return (
    <section className="missed" aria-labelledby="missed-title">
      <h2 id="missed-title">
        While you were offline: {changes.length} change{changes.length === 1 ? '' : 's'}
      </h2>
      <ul>
        {changes.map((change) => (
          <li key={change.key}>
            <time dateTime={change.occurredAt}>{formatTime(change.occurredAt)}</time>{' '}
            {change.path ? (
              <a
                href={change.path}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(parseRoute(change.path ?? '/'));
                }}
              >
                {change.text}
              </a>
            ) : (
              change.text
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => missed.clear()}>
        Dismiss
      </button>
    </section>
  );
}
