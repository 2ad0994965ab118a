import type { ReactNode } from 'react';
import { deliveryStatusLabel, emailKindLabel, formatTimestamp } from '../model/labels';
import { useOutboundEmail, type OutboundEmailDetail } from '../model/use-outbox';

/** A Message-ID as its header writes it. */
const bracketed = (messageId: string) => `<${messageId}>`;

/**
 * One email of the outbox: its headers, its delivery, and its plain text. The text is shown as
 * text (React escapes it). The HTML body is never put into this page: it is shown only inside
 * an iframe sandboxed with no permissions at all (no scripts, no forms, no navigation, its own
 * opaque origin), which also keeps this page's content security policy.
 */
export function OutboundEmailView({ emailId }: { emailId: string }) {
  const { email, error } = useOutboundEmail(emailId);
  if (!email) {
    return (
      <section className="outbound-email" aria-label="Email">
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted">Loading the email…</p>
        )}
      </section>
    );
  }
  return (
    <article
      className="outbound-email"
      aria-labelledby="outbound-email-subject"
      data-email-id={email.id}
    >
      <header>
        <h2 id="outbound-email-subject">{email.subject}</h2>
        <p className="outbound-email-facts">
          <span className={`delivery-status delivery-status--${email.status.toLowerCase()}`}>
            {deliveryStatusLabel(email.status)}
          </span>
          <span>{emailKindLabel(email.kind)}</span>
        </p>
      </header>
      {email.error && (
        <p
          className={`delivery ${email.status === 'FAILED' ? 'delivery--failed' : 'delivery-retry'}`}
        >
          {email.status === 'FAILED' ? <strong>Not delivered:</strong> : 'Last try failed:'}{' '}
          {email.error}
        </p>
      )}
      <Headers email={email} />
      <section aria-labelledby="outbound-email-text">
        <h3 id="outbound-email-text">Text</h3>
        <pre className="email-text">{email.text}</pre>
      </section>
      {email.html !== null && (
        <details className="email-html">
          <summary>HTML version</summary>
          <iframe title="The email's HTML version" sandbox="" srcDoc={email.html} />
        </details>
      )}
    </article>
  );
}

function Headers({ email }: { email: OutboundEmailDetail }) {
  const rows: [string, ReactNode][] = [
    ['From', email.from],
    ['To', email.to],
    ['Reply-To', email.replyTo],
    ['Subject', email.subject],
    ['Message-ID', bracketed(email.messageId)],
    ['In-Reply-To', email.inReplyTo && bracketed(email.inReplyTo)],
    ['Queued', <time dateTime={email.createdAt}>{formatTimestamp(email.createdAt)}</time>],
    ['Sent', email.sentAt && <time dateTime={email.sentAt}>{formatTimestamp(email.sentAt)}</time>],
    ['Tries', String(email.attempts)],
    ['Transport', email.transport === 'outbox' ? 'Local outbox (no SMTP server)' : email.transport],
  ];
  return (
    <dl className="email-headers" aria-label="Headers">
      {rows
        .filter(([, value]) => value !== null && value !== '')
        .map(([name, value]) => (
          <div key={name} data-header={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
