import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { assignsOthers, useBackend } from '../api/backend';
import { runMutation, type MutationOutcome } from '../api/requests';
import {
  ConsoleApplyMacroDocument,
  ConsoleAssignDocument,
  ConsoleMacrosDocument,
  ConsoleSupportStaffDocument,
  ConsoleUpdateStatusDocument,
  ConsoleUpdateTicketDocument,
  type ConsoleEmployeeFragment,
  type TicketPriority,
  type TicketStatus,
} from '../generated/graphql';
import { priorityLabel, statusLabel, TICKET_PRIORITIES, TICKET_STATUSES } from '../model/labels';
import type { TicketDetail } from '../model/ticket';

type TicketPayload = { ticket?: TicketDetail | null };

/**
 * Status, priority, assignee, tags and macros. Each change is sent with the version on screen:
 * a colleague's change in flight refuses it (STALE_TICKET) rather than overwriting theirs.
 */
export function TicketControls({
  ticket,
  onChanged,
}: {
  ticket: TicketDetail;
  onChanged(ticket: TicketDetail): void;
}) {
  const { client, viewer } = useBackend();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [newTag, setNewTag] = useState('');
  const [macroId, setMacroId] = useState('');
  const [staff] = useQuery({ query: ConsoleSupportStaffDocument });
  const [macros] = useQuery({ query: ConsoleMacrosDocument });
  const closed = ticket.status === 'CLOSED';
  const base = { ticketId: ticket.id, expectedVersion: ticket.version };

  const apply = async (change: Promise<MutationOutcome<TicketPayload>>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    const outcome = await change;
    setBusy(false);
    if (!outcome.ok) {
      setError(
        outcome.code === 'STALE_TICKET'
          ? 'A colleague changed this ticket at the same moment: it is up to date now, try again.'
          : outcome.message,
      );
      return false;
    }
    if (outcome.payload.ticket) onChanged(outcome.payload.ticket);
    return true;
  };

  // The ticket's desk's staff: support agents and leads, or IT support.
  const deskStaff = !staff.data
    ? []
    : ticket.queue === 'IT'
      ? staff.data.itStaff.nodes
      : [...staff.data.agents.nodes, ...staff.data.leads.nodes];
  const assignees = assigneeChoices(
    viewer,
    assignsOthers(viewer, ticket.queue),
    ticket.assignee,
    deskStaff,
  );

  const addTag = async (event: FormEvent) => {
    event.preventDefault();
    const tag = newTag.trim();
    if (!tag) return;
    const done = await apply(
      runMutation(
        client,
        ConsoleUpdateTicketDocument,
        { input: { ...base, addTags: [tag] } },
        (d) => d.updateTicket,
      ),
    );
    if (done) setNewTag('');
  };

  const applyMacro = async (event: FormEvent) => {
    event.preventDefault();
    if (!macroId) return;
    const done = await apply(
      runMutation(
        client,
        ConsoleApplyMacroDocument,
        { input: { ...base, macroId } },
        (d) => d.applyMacro,
      ),
    );
    if (done) setMacroId('');
  };

  return (
    <section className="controls" aria-label="Ticket controls">
      <fieldset disabled={closed || busy}>
        <legend className="visually-hidden">Ticket controls</legend>
        <label className="control">
          <span>Status</span>
          <select
            value={ticket.status}
            onChange={(event) =>
              void apply(
                runMutation(
                  client,
                  ConsoleUpdateStatusDocument,
                  { input: { ...base, status: event.target.value as TicketStatus } },
                  (d) => d.updateTicketStatus,
                ),
              )
            }
          >
            {TICKET_STATUSES.map((status) => (
              <option key={status} value={status} disabled={status === 'NEW'}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>Priority</span>
          <select
            value={ticket.priority}
            onChange={(event) =>
              void apply(
                runMutation(
                  client,
                  ConsoleUpdateTicketDocument,
                  { input: { ...base, priority: event.target.value as TicketPriority } },
                  (d) => d.updateTicket,
                ),
              )
            }
          >
            {TICKET_PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priorityLabel(priority)}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>Assignee</span>
          <select
            value={ticket.assignee?.id ?? ''}
            onChange={(event) =>
              void apply(
                runMutation(
                  client,
                  ConsoleAssignDocument,
                  { input: { ...base, assigneeId: event.target.value || null } },
                  (d) => d.assignTicket,
                ),
              )
            }
          >
            <option value="">Unassigned</option>
            {assignees.map((employee) => (
              <option key={employee.id} value={employee.id}>
                {employee.id === viewer.id ? `${employee.name} (me)` : employee.name}
              </option>
            ))}
          </select>
        </label>
        <div className="control control--tags">
          <span id="tags-label">Tags</span>
          <ul className="tags" aria-labelledby="tags-label">
            {ticket.tags.map((tag) => (
              <li key={tag} className="tag">
                {tag}
                <button
                  type="button"
                  className="tag-remove"
                  aria-label={`Remove the tag ${tag}`}
                  onClick={() =>
                    void apply(
                      runMutation(
                        client,
                        ConsoleUpdateTicketDocument,
                        { input: { ...base, removeTags: [tag] } },
                        (d) => d.updateTicket,
                      ),
                    )
                  }
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <form className="inline-form" onSubmit={(event) => void addTag(event)}>
            <label className="visually-hidden" htmlFor="new-tag">
              New tag
            </label>
            <input
              id="new-tag"
              value={newTag}
              placeholder="Add a tag"
              maxLength={50}
              onChange={(event) => setNewTag(event.target.value)}
            />
            <button type="submit" disabled={!newTag.trim()}>
              Add
            </button>
          </form>
        </div>
        <form className="control inline-form" onSubmit={(event) => void applyMacro(event)}>
          <label htmlFor="macro">Macro</label>
          <select id="macro" value={macroId} onChange={(event) => setMacroId(event.target.value)}>
            <option value="">{macros.data?.macros.length ? 'Choose a macro…' : 'No macros'}</option>
            {macros.data?.macros.map((macro) => (
              <option key={macro.id} value={macro.id} title={macro.body}>
                {macro.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={!macroId}>
            Apply
          </button>
        </form>
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * Whom the assignee list offers: those who assign others (support leads, IT support on the IT
 * desk) anyone of the desk's staff, agents only themselves (the server refuses the rest); the
 * current assignee always shows.
 */
function assigneeChoices(
  viewer: ConsoleEmployeeFragment,
  assignsOthers: boolean,
  current: ConsoleEmployeeFragment | null | undefined,
  deskStaff: readonly ConsoleEmployeeFragment[],
): ConsoleEmployeeFragment[] {
  const candidates = assignsOthers ? [viewer, ...deskStaff] : [viewer];
  if (current) candidates.push(current);
  const unique = new Map(candidates.map((employee) => [employee.id, employee]));
  return [...unique.values()].sort((a, b) => a.name.localeCompare(b.name));
}
