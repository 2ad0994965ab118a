import { useNow } from '../model/clock';
import { formatDuration, formatTime } from '../model/labels';

const SOON_MS = 60 * 60 * 1000;

/**
 * Time left to the ticket's next SLA deadline, counting down every second; red once a target is
 * missed (the server says so, or the deadline passes while it is on screen).
 */
export function SlaCountdown({ dueAt, breached }: { dueAt: string | null; breached: boolean }) {
  const now = useNow();
  if (!dueAt) {
    return (
      <span className={`sla ${breached ? 'sla--breached' : 'sla--none'}`}>
        {breached ? 'SLA breached' : 'No deadline'}
      </span>
    );
  }
  const left = Date.parse(dueAt) - now;
  const overdue = left <= 0;
  const state = breached || overdue ? 'breached' : left < SOON_MS ? 'soon' : 'ok';
  const text = overdue ? `overdue ${formatDuration(left)}` : `due in ${formatDuration(left)}`;
  return (
    <span
      className={`sla sla--${state}`}
      title={`Next SLA deadline: ${formatTime(dueAt, now)}`}
      data-sla={state}
    >
      {breached && !overdue ? `SLA breached · ${text}` : text}
    </span>
  );
}
