import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  /** The message as the server received it. */
  raw: Buffer;
  parsed: ParsedMail;
  /** The Message-ID header without angle brackets. */
  messageId: string;
  /** Envelope recipients. */
  rcptTo: string[];
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every message accepted, in order of acceptance. */
  received: SunkMail[];
  /** Waits (bounded) until `predicate` holds for the messages received; returns them. */
  waitFor(predicate: (received: SunkMail[]) => boolean, timeoutMs?: number): Promise<SunkMail[]>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /**
   * Refuses a message after DATA: an SMTP code and text (451 temporary, 550 permanent). Given the
   * attempt's number and the envelope recipients.
   */
  refuse?: (attempt: number, rcptTo: string[]) => { code: number; message: string } | null;
  /** Answers DATA this many milliseconds late. */
  delayMs?: number;
}

/** A real SMTP server (smtp-server) that keeps what it receives: the sink tests send to. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: SunkMail[] = [];
  let attempts = 0;
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        attempts += 1;
        const refusal =
          options.refuse?.(
            attempts,
            session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ) ?? null;
        const raw = Buffer.concat(chunks);
        const answer = async () => {
          if (refusal) {
            const error = Object.assign(new Error(refusal.message), {
              responseCode: refusal.code,
            });
            callback(error);
            return;
          }
          const parsed = await simpleParser(raw);
          received.push({
            raw,
            parsed,
            messageId: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
            rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          });
          for (const wake of waiters) wake();
          callback();
        };
        setTimeout(() => void answer(), options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(predicate, timeoutMs = 20_000) {
      if (predicate(received)) return received;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the sink holds ${received.length} messages; the wait timed out`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(received)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
