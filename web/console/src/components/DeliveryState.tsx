import { formatTime } from '../model/labels';
import type { MessageDelivery } from '../model/ticket';

/**
 * How a public reply is being emailed to the customer: sending, emailed (with its Message-ID), or
 * failed with the reason, shown so that it cannot be missed. A reply with no delivery was not
 * mailed (its customer has no email address).
 */
export function DeliveryState({ delivery }: { delivery: MessageDelivery | null }) {
  if (!delivery) {
    return (
      <p className="delivery delivery--none" data-delivery="NONE">
        Not emailed
      </p>
    );
  }
  switch (delivery.status) {
    case 'QUEUED':
      return (
        <p className="delivery delivery--queued" data-delivery="QUEUED">
          Sending…
          {delivery.error && (
            <span className="delivery-retry">
              {' '}
              Try {delivery.attempts} failed ({delivery.error}); trying again.
            </span>
          )}
        </p>
      );
    case 'SENT':
      return (
        <p
          className="delivery delivery--sent"
          data-delivery="SENT"
          title={`Message-ID: ${delivery.messageId}`}
        >
          Emailed{' '}
          {delivery.sentAt && <time dateTime={delivery.sentAt}>{formatTime(delivery.sentAt)}</time>}
        </p>
      );
    case 'FAILED':
      return (
        <p className="delivery delivery--failed" data-delivery="FAILED">
          <strong>Email not delivered:</strong> {delivery.error ?? 'no reason given'}
          {delivery.attempts > 1 && ` (after ${delivery.attempts} tries)`}
        </p>
      );
  }
}
