import { useConnectionStatus } from '../api/backend';
import { useNow } from '../model/clock';
import { formatDuration } from '../model/labels';

/** Whether the console is live, and since when it is not. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const now = useNow();
  let text: string;
  switch (status.state) {
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'live':
      text = status.reconnected && now - status.since < 5_000 ? 'Live again' : 'Live';
      break;
    case 'reconnecting':
      text = `Offline for ${formatDuration(now - status.since)}: reconnecting (attempt ${status.attempt})…`;
      break;
    case 'ended':
      text = 'Disconnected';
      break;
  }
  return (
    <span
      className={`connection connection--${status.state}`}
      role="status"
      aria-live="polite"
      data-state={status.state}
    >
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
