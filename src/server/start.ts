import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config';
import { TrustedDocuments } from '../graphql/trusted-documents';
import { openDatabase, type Database } from '../db/database';
import { BackdeskConnection } from '../db/driver';
import { EventDispatcher } from '../events/event-dispatcher';
import { PresenceHub } from '../events/presence';
import { RealtimeMetrics, type Realtime } from '../events/realtime';
import { EventRetentionJob } from '../events/retention';
import { migrateUp } from '../db/orm';
import { backdeskSchema } from './schema';
import { resolveJwtSecret, SessionTokens } from '../modules/auth/session-token';
import type { Clock } from '../modules/common/clock';
import { ENTITIES } from '../modules/entities';
import { isEmptyDatabase, seedDemoData } from '../modules/seed';
import { createServices, type Services } from '../modules/services';
import { PendingAutoSolve } from '../modules/support/pending-auto-solve';
import { SlaSweep } from '../modules/support/sla-sweep';
import { startServer, type RunningServer } from './http-server';
import type { Logger } from '../logger';
import { Metrics } from './metrics';
import { RequestGuards } from './guards';
import { JobQueue } from '../jobs/job-queue';
import { MailSender } from '../mail/sender';
import { Outbox } from '../mail/outbox';
import { retentionJob } from '../modules/compliance/retention.job';
import { replenishmentJob } from '../modules/purchasing/replenishment.job';
import { maintenanceDueJob } from '../modules/assets/maintenance.job';
import { ReplyAddresses } from '../mail/reply-address';
import { systemClock } from '../modules/common/clock';
import { SignedLinks } from '../modules/common/signed-links';
import { createHmac } from 'node:crypto';
import { InboundMailbox } from '../mail/inbound';
import { InboundMailProcessor } from '../mail/inbound-processor';
import { startInboundSmtp, type InboundSmtpListener } from '../mail/smtp-listener';
import { EmailChannel } from '../modules/support/email-channel';
import { SurveyTokens } from '../modules/support/survey-tokens';
import { SEND_UNSENT_INVOICES_JOB } from '../modules/ledger/invoice-sending';
import { useBookCurrency } from '../modules/common/money';

export interface Backdesk {
  server: RunningServer;
  database: Database;
  /** The job queue (tests enqueue sweeps through it). */
  jobs: JobQueue;
  /** The inbound SMTP listener, when INBOUND_SMTP_PORT (or demo mode) asks for one. */
  inboundSmtp: InboundSmtpListener | undefined;
  /** Graceful stop: server first (in-flight requests finish), then the database. */
  stop(): Promise<void>;
}

/** What every role of the process shares: the migrated database, the services and the jobs. */
interface BackOffice {
  database: Database;
  services: Services;
  jobs: JobQueue;
  addresses: ReplyAddresses;
  mailbox: InboundMailbox;
  /** Stops the jobs (running ones finish) and closes the database. */
  close(): Promise<void>;
}

/**
 * Config → database (migrated, seeded when asked) → services → the job queue with every kind of
 * job defined. A new kind of job is defined here, once, for both roles.
 */
async function openBackOffice(
  config: Config,
  logger: Logger,
  clock: Clock,
  options: { clock?: Clock },
): Promise<BackOffice> {
  const database = await openDatabase(config, logger, { entities: ENTITIES });
  const jobs = new JobQueue(database.url, logger, { pollMs: config.jobs.pollMs });
  const sender = new MailSender(database.orm, config.mail, logger, () => clock.now());
  const close = async () => {
    await jobs.stop();
    sender.close();
    await database.close();
  };
  try {
    const applied = await migrateUp(database.orm);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const seeding = config.demoSeed && (await isEmptyDatabase(database.orm));
    if (seeding) await seedDemoData(database.orm, logger);

    const jwt = resolveJwtSecret(config.jwtSecret, config.dataDir);
    if (jwt.generated && config.databaseUrl) {
      logger.warn(
        'JWT_SECRET is not set: using a secret generated under the data folder; set JWT_SECRET in production',
      );
    }
    const addresses = new ReplyAddresses(
      createHmac('sha256', jwt.secret).update('backdesk reply addresses').digest('hex'),
      config.mail.supportAddress,
    );
    const outbox = new Outbox(jobs, {
      from: config.mail.from,
      domain: addresses.domain,
      now: () => clock.now(),
    });
    sender.checkSendsWith(outbox);
    useBookCurrency(config.booksCurrency);
    const services = createServices({
      sessions: new SessionTokens(jwt.secret, config.sessionTtlSeconds),
      settings: {
        payrollWithholdingBasisPoints: config.payrollWithholdingBasisPoints,
        clock: options.clock,
        csatSurveys: config.csat.surveys,
        dsrDueDays: config.dsrDueDays,
        poApprovalThresholdMinor: config.poApprovalThresholdMinor,
        maintenanceLabourRateMinor: config.maintenanceLabourRateMinor,
      },
      mail: { outbox, addresses, publicUrl: config.mail.publicUrl },
      surveyTokens: new SurveyTokens(
        createHmac('sha256', jwt.secret).update('backdesk satisfaction surveys').digest(),
      ),
      attachments: {
        links: new SignedLinks(
          createHmac('sha256', jwt.secret).update('backdesk download links').digest(),
          clock,
        ),
        maxBytes: config.mail.maxAttachmentBytes,
      },
      documents: { company: config.documents, jobs },
    });
    // Received mail: stored by the mailbox (SMTP listener, POST /inbound/email), read by a job.
    const mailbox = new InboundMailbox(database.orm, jobs, {
      maxAttachmentBytes: config.mail.maxAttachmentBytes,
      now: () => clock.now(),
    });
    const emailChannel = new EmailChannel(services.support, services.customers, addresses, outbox, {
      maxAttachmentBytes: config.mail.maxAttachmentBytes,
      acknowledgeNewTickets: config.mail.acknowledgeNewTickets,
    });
    jobs.define(sender.definition());
    jobs.define(
      new InboundMailProcessor(database.orm, emailChannel, addresses, logger, () =>
        clock.now(),
      ).definition(),
    );
    jobs.define(services.invoiceSending.sendJob(database.orm));
    jobs.define(
      services.invoiceSending.sweepJob(database.orm, config.documents.invoiceSweepMinutes),
    );
    jobs.define(services.dunningNoticeSending.sendJob(database.orm));
    jobs.define(services.purchaseOrderSending.sendJob(database.orm, logger));
    jobs.define(services.employeeDocumentSending.sendPayslipsJob(database.orm));
    jobs.define(services.employeeDocumentSending.sendDocumentJob(database.orm));
    jobs.define(services.dunningNoticeSending.runJob(database.orm, services.collections));
    jobs.define(services.trainingReminders.definition(database.orm));
    jobs.define(retentionJob(database.orm, services.retention));
    jobs.define(replenishmentJob(database.orm, services.replenishment));
    jobs.define(maintenanceDueJob(database.orm, services.maintenance));
    jobs.define(services.exports.exportJob(database.orm, database.url));
    jobs.define(new SlaSweep(database.orm, services.support, jobs, clock).definition());
    jobs.define(
      new PendingAutoSolve(
        database.orm,
        services.support,
        config.jobs.pendingAutoSolveDays,
        logger,
      ).definition(),
    );
    jobs.define(
      new EventRetentionJob(database.orm, config.eventRetentionDays, logger).definition(() =>
        clock.now(),
      ),
    );
    await jobs.start();
    // The seed ships orders before any job exists: their invoices go out with the first sweep,
    // at once rather than at the next scheduled one (none when the sweep is off, as in tests).
    if (seeding && config.documents.invoiceSweepMinutes > 0)
      await jobs.enqueue(undefined, SEND_UNSENT_INVOICES_JOB, {});
    return { database, services, jobs, addresses, mailbox, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * `npm start`: the back office, then the workers (unless RUN_WORKERS=false), live delivery, the
 * inbound SMTP listener and the HTTP server.
 */
export async function startBackdesk(
  config: Config,
  logger: Logger,
  options: { clock?: Clock } = {},
): Promise<Backdesk> {
  const clock = options.clock ?? systemClock;
  const office = await openBackOffice(config, logger, clock, options);
  const { database, services, jobs, addresses, mailbox } = office;
  let realtime: Realtime | undefined;
  let guards: RequestGuards | undefined;
  let inboundSmtp: InboundSmtpListener | undefined;
  try {
    if (config.jobs.runWorkers) await jobs.work();
    const metrics = new Metrics();
    metrics.watchJobs(jobs);
    const connection = database.orm.em.getConnection();
    if (connection instanceof BackdeskConnection)
      metrics.watchLockingStatements(connection.locking);
    const dispatcher = new EventDispatcher(database.orm, database.url, logger);
    // A change to an employee made on any instance: their next request here reads them again.
    dispatcher.subscribe((event) => {
      if (event.streamType === 'Employee') services.auth.forgetEmployee(Number(event.streamId));
    });
    const presence = new PresenceHub(dispatcher, logger);
    presence.start();
    await dispatcher.start();
    realtime = {
      orm: database.orm,
      dispatcher,
      presence,
      metrics: new RealtimeMetrics(metrics.registry),
      maxQueued: config.subscriberQueueLimit,
    };
    guards = new RequestGuards(config, logger);
    if (config.mail.inboundSmtpPort !== undefined)
      inboundSmtp = await startInboundSmtp(mailbox, {
        port: config.mail.inboundSmtpPort,
        host: config.host,
        domain: addresses.domain,
        graceMs: config.shutdownGraceMs,
        logger,
      });
    const server = await startServer(
      {
        realtime,
        guards,
        limits: config.trustedDocuments
          ? {
              ...config.limits,
              trusted: new TrustedDocuments(path.join(PROJECT_ROOT, 'schema', 'operations')),
            }
          : config.limits,
        allowedOrigins: config.allowedOrigins,
        schema: await backdeskSchema(),
        orm: database.orm,
        services,
        logger,
        metrics,
        isReady: () => database.isReady(),
        shutdownGraceMs: config.shutdownGraceMs,
        inboundEmail: { mailbox, secret: config.mail.inboundEmailSecret },
        maxStatementBytes: config.banking.maxStatementBytes,
      },
      config.port,
      config.host,
    );
    logger.info(
      { port: server.port },
      `Backdesk is serving GraphQL at http://localhost:${server.port}/graphql`,
    );
    let stopping: Promise<void> | undefined;
    const live = realtime;
    const listener = inboundSmtp;
    return {
      server,
      database,
      jobs,
      inboundSmtp,
      stop() {
        stopping ??= (async () => {
          await listener?.close();
          await server.close();
          live.presence.stop();
          guards?.stop();
          await live.dispatcher.stop();
          await office.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await inboundSmtp?.close();
    realtime?.presence.stop();
    guards?.stop();
    await realtime?.dispatcher.stop();
    await office.close().catch(() => undefined);
    throw error;
  }
}

/** `npm run worker`: the back office and its workers and schedules, with no HTTP server. */
export async function startWorker(
  config: Config,
  logger: Logger,
): Promise<{ stop(): Promise<void> }> {
  const office = await openBackOffice(config, logger, systemClock, {});
  try {
    await office.jobs.work();
  } catch (error) {
    await office.close().catch(() => undefined);
    throw error;
  }
  logger.info('Backdesk workers are running');
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= office.close();
      return stopping;
    },
  };
}
