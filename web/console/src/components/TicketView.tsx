import { useRef } from 'react';
import { statusLabel } from '../model/labels';
import type { Route } from '../model/router';
import { applyOwnChange, type TicketDetail, type TicketMessage } from '../model/ticket';
import { useDeliveryUpdates } from '../model/use-deliveries';
import { usePresence } from '../model/use-presence';
import { useTicket } from '../model/use-ticket';
import { Composer } from './Composer';
import { Conversation, type ConversationHandle } from './Conversation';
import { CustomerPanel } from './CustomerPanel';
import { PresenceList } from './PresenceList';
import { RequesterPanel } from './RequesterPanel';
import { SatisfactionBadge } from './SatisfactionBadge';
import { SlaCountdown } from './SlaCountdown';
import { TicketControls } from './TicketControls';

/**
 * The open ticket: its controls, conversation and composer, who else is on it, and its customer
 * (or, for an IT ticket, the employee who reported it).
 */
export function TicketView({ ticketId, route }: { ticketId: string; route: Route }) {
  const live = useTicket(ticketId, route);
  const presence = usePresence(ticketId);
  const conversation = useRef<ConversationHandle>(null);
  useDeliveryUpdates(live.state?.messages, live.update);

  if (!live.state) {
    return (
      <section className="ticket" aria-label="Ticket">
        {live.error ? (
          <p className="form-error" role="alert">
            {live.error}
          </p>
        ) : (
          <p className="muted">Loading the ticket…</p>
        )}
      </section>
    );
  }

  const { ticket, messages, history, missedMessageIds, hasEarlierMessages } = live.state;
  const applyOwn = (updated: TicketDetail, message?: TicketMessage | null) =>
    live.update((state) => applyOwnChange(state, updated, message));

  return (
    <>
      <section className="ticket" aria-labelledby="ticket-title" data-ticket-id={ticket.id}>
        <header className="ticket-header">
          <div className="ticket-heading">
            <h1 id="ticket-title">
              <span className="ticket-number">{ticket.number}</span> {ticket.subject}
            </h1>
            <p className="ticket-facts">
              <span className={`status status--${ticket.status.toLowerCase()}`}>
                {statusLabel(ticket.status)}
              </span>
              <SlaCountdown dueAt={ticket.nextDueAt} breached={ticket.slaBreached} />
              {ticket.order && <span>Order {ticket.order.number}</span>}
              {ticket.mergedInto && <span>Merged into {ticket.mergedInto.number}</span>}
              <SatisfactionBadge satisfaction={ticket.satisfaction} />
            </p>
          </div>
          <PresenceList others={presence.others} />
        </header>
        {live.error && (
          <p className="form-error" role="alert">
            {live.error}
          </p>
        )}
        <TicketControls ticket={ticket} onChanged={applyOwn} />
        <Conversation
          ref={conversation}
          messages={messages}
          customerName={ticket.customer?.name ?? ''}
          missedMessageIds={missedMessageIds}
          hasEarlierMessages={hasEarlierMessages}
        />
        <Composer
          ticket={ticket}
          history={history}
          onSent={applyOwn}
          onActivity={presence.setActivity}
          onRereadNeeded={live.reload}
          onReread={() => conversation.current?.showLatest()}
        />
      </section>
      {ticket.customer ? (
        <CustomerPanel customerId={ticket.customer.id} queue={route.queue} />
      ) : (
        <RequesterPanel ticketId={ticket.id} />
      )}
    </>
  );
}
