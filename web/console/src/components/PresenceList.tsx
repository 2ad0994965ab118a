import type { TicketViewer } from '../model/use-presence';
import { activityLabel } from '../model/labels';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}

/** Who else has this ticket open, and who is typing. */
export function PresenceList({ others }: { others: readonly TicketViewer[] }) {
  return (
    <section className="presence" aria-label="Also on this ticket">
      <h2 className="visually-hidden">Also on this ticket</h2>
      <ul aria-live="polite">
        {others.length === 0 && <li className="muted">No one else is here</li>}
        {others.map(({ employee, activity }) => (
          <li
            key={employee.id}
            className={`presence-viewer presence-viewer--${activity.toLowerCase()}`}
            data-activity={activity}
            title={employee.email}
          >
            <span className="avatar" aria-hidden="true">
              {initials(employee.name)}
            </span>
            <span>
              {employee.name} <span className="presence-activity">{activityLabel(activity)}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
