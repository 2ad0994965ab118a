import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { formatTime } from '../model/labels';
import type { TicketMessage } from '../model/ticket';
import { DeliveryState } from './DeliveryState';
import { MessageAttachments } from './MessageAttachments';

export interface ConversationHandle {
  /** Scrolls to the newest message and gives it the focus (after a re-read). */
  showLatest(): void;
}

/** How close to the bottom (px) counts as reading the latest: new messages then scroll into view. */
const FOLLOW_WITHIN = 80;

/** A note, the correspondent's words (the customer's, or an IT ticket's requester's), or a reply. */
function kindOf(message: TicketMessage): 'note' | 'customer' | 'reply' {
  if (message.internal) return 'note';
  return message.authorKind === 'AGENT' ? 'reply' : 'customer';
}

const KIND_LABELS = { note: 'Internal note', customer: 'Customer', reply: 'Reply' } as const;

/**
 * The messages of a ticket, oldest first: public replies and internal notes styled apart, each
 * with its files, each reply with how its email to the customer stands.
 */
export function Conversation({
  ref,
  messages,
  customerName,
  missedMessageIds,
  hasEarlierMessages,
}: {
  ref: Ref<ConversationHandle>;
  messages: readonly TicketMessage[];
  customerName: string;
  missedMessageIds: ReadonlySet<string>;
  hasEarlierMessages: boolean;
}) {
  const list = useRef<HTMLOListElement>(null);
  const following = useRef(true);

  useImperativeHandle(ref, () => ({
    showLatest() {
      const last = list.current?.lastElementChild;
      if (last instanceof HTMLElement) {
        last.scrollIntoView({ block: 'end' });
        last.focus();
      }
    },
  }));

  useEffect(() => {
    const element = list.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  return (
    <ol
      ref={list}
      className="conversation"
      aria-label="Conversation"
      aria-live="polite"
      aria-relevant="additions"
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current =
          element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_WITHIN;
      }}
    >
      {hasEarlierMessages && <li className="muted">Earlier messages are not shown.</li>}
      {messages.map((message) => {
        const kind = kindOf(message);
        const requester = message.authorKind === 'REQUESTER';
        const author =
          kind === 'customer' && !requester
            ? customerName
            : (message.author?.name ?? 'A former colleague');
        return (
          <li
            key={message.id}
            className={`message message--${kind}`}
            data-message-kind={kind}
            tabIndex={-1}
          >
            <header className="message-header">
              <span className="message-author">{author}</span>
              <span className="message-kind">{requester ? 'Requester' : KIND_LABELS[kind]}</span>
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
              {missedMessageIds.has(message.id) && (
                <span className="badge badge--missed">Arrived while you were offline</span>
              )}
            </header>
            <p className="message-body">{message.body}</p>
            <MessageAttachments attachments={message.attachments} />
            {kind === 'reply' && <DeliveryState delivery={message.delivery} />}
          </li>
        );
      })}
    </ol>
  );
}
