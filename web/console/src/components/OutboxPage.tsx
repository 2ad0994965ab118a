import { useState } from 'react';
import type { EmailDeliveryStatus } from '../generated/graphql';
import {
  DELIVERY_STATUSES,
  deliveryStatusLabel,
  emailKindLabel,
  formatTime,
} from '../model/labels';
import { goTo, outboxPath } from '../model/router';
import { useOutbox, type OutboundEmailSummary } from '../model/use-outbox';
import { OutboundEmailView } from './OutboundEmailView';

/**
 * The outbox (ADMIN): every email the desk sent or will send, newest first, filtered by state,
 * a page at a time; the chosen one's headers and bodies beside the list. With no SMTP server
 * configured (the demo) this is where the mail goes.
 */
export function OutboxPage({ emailId }: { emailId: string | undefined }) {
  const [status, setStatus] = useState<EmailDeliveryStatus>();
  const outbox = useOutbox(status);
  const { list } = outbox;

  return (
    <main className="outbox">
      <section className="outbox-pane" aria-labelledby="outbox-title">
        <header className="outbox-header">
          <h1 id="outbox-title">Outbox</h1>
          <div className="outbox-tools">
            <span className="control">
              <label htmlFor="outbox-status">Status</label>
              <select
                id="outbox-status"
                value={status ?? ''}
                onChange={(event) =>
                  setStatus(DELIVERY_STATUSES.find((candidate) => candidate === event.target.value))
                }
              >
                <option value="">All</option>
                {DELIVERY_STATUSES.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {deliveryStatusLabel(candidate)}
                  </option>
                ))}
              </select>
            </span>
            <button type="button" onClick={outbox.refresh}>
              Refresh
            </button>
          </div>
        </header>
        {outbox.error && (
          <p className="form-error" role="alert">
            {outbox.error}
          </p>
        )}
        {!list && !outbox.error && <p className="muted outbox-note">Loading…</p>}
        {list && list.emails.length === 0 && (
          <p className="muted outbox-note">
            {status ? `No ${deliveryStatusLabel(status).toLowerCase()} emails.` : 'No emails yet.'}
          </p>
        )}
        {list && list.emails.length > 0 && (
          <ol
            className="outbox-list"
            aria-label={`${status ? deliveryStatusLabel(status) : 'All'} emails, newest first`}
          >
            {list.emails.map((email) => (
              <OutboxRow key={email.id} email={email} selected={email.id === emailId} />
            ))}
          </ol>
        )}
        {list && list.emails.length > 0 && (
          <footer className="outbox-footer">
            <span className="muted" role="status">
              Showing {list.emails.length} of {list.totalCount}
            </span>
            {list.nextCursor && (
              <button type="button" onClick={outbox.loadMore} disabled={outbox.loading}>
                {outbox.loading ? 'Loading…' : 'Load more'}
              </button>
            )}
          </footer>
        )}
      </section>
      {emailId ? (
        <OutboundEmailView key={emailId} emailId={emailId} />
      ) : (
        <section className="outbox-empty" aria-label="Email">
          <p className="muted">Select an email to see its headers and text.</p>
        </section>
      )}
    </main>
  );
}

function OutboxRow({ email, selected }: { email: OutboundEmailSummary; selected: boolean }) {
  const path = outboxPath(email.id);
  return (
    <li className="outbox-item" data-message-id={email.messageId}>
      <a
        href={path}
        aria-current={selected ? 'true' : undefined}
        onClick={(event) => {
          event.preventDefault();
          goTo(path);
        }}
      >
        <span className="outbox-item-line">
          <span className={`delivery-status delivery-status--${email.status.toLowerCase()}`}>
            {deliveryStatusLabel(email.status)}
          </span>
          <span className="outbox-item-subject">{email.subject}</span>
          <time dateTime={email.createdAt}>{formatTime(email.createdAt)}</time>
        </span>
        <span className="outbox-item-meta">
          <span>{email.to}</span>
          <span>{emailKindLabel(email.kind)}</span>
          {email.status === 'FAILED' && email.error && (
            <span className="outbox-item-error">{email.error}</span>
          )}
        </span>
      </a>
    </li>
  );
}
