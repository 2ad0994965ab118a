import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import { ApplicationStage, CandidateEmail } from './recruiting.entity';

/**
 * The key a candidate is found again by: the address trimmed and lower-cased. `+tags` are kept:
 * `ann+jobs@x.org` and `ann@x.org` may be different mailboxes on some providers, and merging two
 * people is worse than listing one person twice. `Candidate.applications` shows the rest.
 */
export function candidateEmailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** What a candidate's email says, and about which application. */
export interface CandidateMessage {
  applicationId: number;
  to: string;
  subject: string;
  text: string;
}

/**
 * Mail to candidates. The rule a maintainer must keep: nothing reaches a rejected applicant. An
 * email is queued only by a transaction that holds the application's row lock and found it live,
 * and the send job asks `withholdReason` again while it holds the email's row lock: it takes the
 * application's row in share mode, so a rejection either committed before (the email is withheld)
 * or waits until the send has finished.
 */
export class CandidateMail {
  constructor(private readonly outbox: Outbox) {
    outbox.checkBeforeSending(OutboundEmailKind.CANDIDATE_EMAIL, (tx, emailId) =>
      this.withholdReason(tx, emailId),
    );
  }

  async queue(tx: EntityManager, message: CandidateMessage): Promise<void> {
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.CANDIDATE_EMAIL,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    tx.create(CandidateEmail, { emailId: email.id, application: message.applicationId });
    await tx.flush();
  }

  /** The emails to these candidates lose their address and text (the retention rule). */
  async redactFor(tx: EntityManager, candidateIds: readonly number[]): Promise<void> {
    const rows = await runSql<{ email_id: string }>(
      tx,
      `SELECT e.email_id FROM candidate_email e JOIN application a ON a.id = e.application_id
        WHERE a.candidate_id = ANY(?) ORDER BY e.email_id`,
      [candidateIds],
    );
    await this.outbox.redact(
      tx,
      rows.map((row) => Number(row.email_id)),
      "the candidate's data was anonymised",
    );
  }

  /** Why a queued candidate email must not go out now, or null. */
  async withholdReason(tx: EntityManager, emailId: number): Promise<string | null> {
    const [row] = await runSql<{ stage: ApplicationStage; anonymized: boolean }>(
      tx,
      `SELECT a.stage, c.anonymized_at IS NOT NULL AS anonymized
         FROM candidate_email e
         JOIN application a ON a.id = e.application_id
         JOIN candidate c ON c.id = a.candidate_id
        WHERE e.email_id = ?
          FOR SHARE OF a`,
      [emailId],
    );
    if (!row) return 'it belongs to no application';
    if (row.stage === ApplicationStage.REJECTED) return 'the application was rejected';
    if (row.anonymized) return "the candidate's data was anonymised";
    return null;
  }
}
