import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerError } from 'smtp-server';
import type { Logger } from '../logger';
import { InboundMessageRefused, type InboundMailbox } from './inbound';

export interface InboundSmtpListener {
  /** The port it listens on (the one asked for, or the one given for port 0). */
  port: number;
  /** Stops accepting; sessions still open are closed after `graceMs`. */
  close(): Promise<void>;
}

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/** Reads a DATA stream to its end, keeping the bytes only while they stay under `limit`. */
function readMessage(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.once('error', reject);
    // The client must be read to its final dot before it can be answered, however large.
    stream.once('end', () =>
      resolve(stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks, size)),
    );
  });
}

/**
 * The inbound SMTP listener: the desk's MX (or the relay's target). It takes mail for addresses
 * at the desk's domain only (550 otherwise), refuses a message above the mailbox's size limit
 * with 552 and one that is not a mail with 550, and answers 250 only once the mailbox committed
 * the message: a message the sender was told we have is stored.
 *
 * No AUTH (anyone may send us mail, as to any MX) and no STARTTLS: put a TLS-terminating relay
 * in front when mail crosses an untrusted network.
 */
export async function startInboundSmtp(
  mailbox: InboundMailbox,
  options: { port: number; host: string; domain: string; graceMs: number; logger: Logger },
): Promise<InboundSmtpListener> {
  const { logger } = options;
  const domain = options.domain.toLowerCase();
  const server = new SMTPServer({
    name: domain,
    banner: 'Backdesk inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: mailbox.maxMessageBytes,
    disableReverseLookup: true,
    closeTimeout: options.graceMs,
    logger: false,
    onRcptTo(address, _session, callback) {
      const at = address.address.lastIndexOf('@');
      if (at > 0 && address.address.slice(at + 1).toLowerCase() === domain) return callback();
      callback(
        smtpError(550, `No mailbox here for ${address.address}: we take mail for @${domain}`),
      );
    },
    onData(stream, session, callback) {
      readMessage(stream, mailbox.maxMessageBytes)
        .then(async (raw) => {
          if (!raw) throw mailbox.tooLarge();
          const accepted = await mailbox.receive(raw, {
            kind: 'smtp',
            envelopeRecipients: session.envelope.rcptTo.map((recipient) => recipient.address),
          });
          callback(
            null,
            accepted.duplicate
              ? `Already have it: <${accepted.messageId}>`
              : `Queued as ${accepted.id}`,
          );
        })
        .catch((error: unknown) => {
          if (error instanceof InboundMessageRefused)
            return callback(smtpError(error.reason === 'TOO_LARGE' ? 552 : 550, error.message));
          logger.error({ err: error }, 'an inbound email could not be stored');
          callback(smtpError(451, 'The message could not be stored; try again later'));
        });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port }, 'listening for inbound email over SMTP');
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
