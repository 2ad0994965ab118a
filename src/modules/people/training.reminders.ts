import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { JobDefinition } from '../../jobs/job-queue';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import { TrainingReminder } from './training.entity';
import type { ExpiringCompletion, TrainingService } from './training.service';

/** The daily run that mails training expiry reminders (cron), for the clock's day. */
export const TRAINING_REMINDERS_JOB = 'people.training-reminders';
/** When the daily run fires (UTC). */
export const TRAINING_REMINDERS_CRON = '0 7 * * *';
/** How many days before expiry an employee is reminded; 0 is the day it expires. */
export const REMINDER_DAYS: readonly number[] = [30, 7, 0];

/**
 * The stage a completion `daysLeft` from expiry is at: the nearest reminder day it has reached
 * (7 days left: the 7-day reminder; 20 days left: the 30-day one), or null before the first.
 */
export function reminderStage(daysLeft: number): number | null {
  const reached = REMINDER_DAYS.filter((days) => daysLeft <= days);
  return reached.length === 0 ? null : Math.min(...reached);
}

/**
 * Mails employees before their certifications expire. The rules a maintainer must keep:
 * - only the completion in force (the latest per employee and course) is reminded, so a renewal
 *   stops the reminders of the completion it renews;
 * - a run sends, per completion, the reminder of the stage it has reached (an earlier stage it
 *   skipped, such as a completion recorded 10 days before expiry, is not sent late);
 * - each (completion, stage) is mailed once: the transaction that queues the email holds the
 *   completion's row lock, finds no `training_reminder` row for it, and writes one (unique), so
 *   a second run on the same day, a retry or two instances send nothing more;
 * - nothing is sent after the expiry day.
 */
export class TrainingReminders {
  constructor(
    private readonly outbox: Outbox,
    private readonly training: TrainingService,
  ) {}

  definition(orm: MikroORM): JobDefinition<object> {
    return {
      name: TRAINING_REMINDERS_JOB,
      retryLimit: 3,
      retryDelaySeconds: 60,
      expireInSeconds: 900,
      policy: 'singleton',
      cron: TRAINING_REMINDERS_CRON,
      handle: async () => {
        await this.run(orm.em.fork());
      },
    };
  }

  /** Sends the reminders due today; answers how many it queued. */
  async run(em: EntityManager): Promise<number> {
    const today = this.training.today();
    const candidates = await this.training.expiringSoon(em, Math.max(...REMINDER_DAYS));
    let sent = 0;
    for (const candidate of candidates) {
      const stage = reminderStage(candidate.daysLeft);
      if (stage === null) continue;
      if (await inTransaction(em, (tx) => this.remind(tx, candidate, stage, today))) sent += 1;
    }
    return sent;
  }

  private async remind(
    tx: EntityManager,
    candidate: ExpiringCompletion,
    stage: number,
    today: string,
  ): Promise<boolean> {
    await tx.execute('SELECT id FROM training_completion WHERE id = ? FOR UPDATE', [
      candidate.completionId,
    ]);
    if (await tx.count(TrainingReminder, { completion: candidate.completionId, daysBefore: stage }))
      return false;
    const when =
      candidate.daysLeft === 0
        ? 'today'
        : `in ${candidate.daysLeft} day${candidate.daysLeft === 1 ? '' : 's'}`;
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.TRAINING_EXPIRY_REMINDER,
      to: candidate.email,
      subject: `Your ${candidate.courseName} certification expires ${when}`,
      text: [
        `Dear ${candidate.employeeName},`,
        '',
        `Your ${candidate.courseName} certification expires ${when} (${candidate.expiresOn}).`,
        'Please plan the course again before then; HR records your new completion.',
      ].join('\n'),
      autoSubmitted: true,
    });
    tx.create(TrainingReminder, {
      completion: candidate.completionId,
      daysBefore: stage,
      sentOn: today,
      emailId: email.id,
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'TrainingCompletion',
      streamId: candidate.completionId,
      type: 'REMINDER_SENT',
      payload: {
        employeeId: candidate.employeeId,
        daysBefore: stage,
        expiresOn: candidate.expiresOn,
        emailId: email.id,
      },
      actorId: null,
    });
    return true;
  }
}
