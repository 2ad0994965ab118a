import path from 'node:path';

/** The project root: config, migrations and `.data/` are found relative to it. */
export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** What one request may ask for; every limit is configurable (see the README). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Estimated cost: each field costs 1, and a page multiplies what it holds by its size. */
  maxCost: number;
  /** Parser tokens: refuses absurd documents before any work is done. */
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 15,
  maxAliases: 30,
  maxDirectives: 50,
  maxCost: 20_000,
  maxTokens: 5_000,
};

export interface Config {
  /** Connection string of an external PostgreSQL; undefined starts the embedded one. */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  /** Secret for signing session tokens; undefined in demo mode (generated under `.data/`). */
  jwtSecret: string | undefined;
  /** How long a session token from `login` stays valid, in seconds. */
  sessionTtlSeconds: number;
  /** Seed the demo data set on an empty database at start. */
  demoSeed: boolean;
  logLevel: LogLevel;
  /** Where the embedded PostgreSQL and generated secrets live. */
  dataDir: string;
  /** Port of the embedded PostgreSQL. */
  embeddedPostgresPort: number;
  /** How long shutdown waits for in-flight requests before closing them, in ms. */
  shutdownGraceMs: number;
  /** Flat payroll withholding rate, in basis points (2000 = 20%). */
  payrollWithholdingBasisPoints: number;
  /** The ISO 4217 currency the books are kept in (BOOKS_CURRENCY, default USD). */
  booksCurrency: string;
  /** Days of events kept replayable for resuming subscriptions; older ones are archived. */
  eventRetentionDays: number;
  /** Days a data subject request has to be answered in, from when it is opened (DSR_DUE_DAYS, default 30). */
  dsrDueDays: number;
  /**
   * Purchase orders totalling more than this, in minor units, wait in DRAFT for an ADMIN or
   * ACCOUNTANT to approve them; at or under it they are approved when created
   * (PO_APPROVAL_THRESHOLD, a decimal amount, default 1000.00).
   */
  poApprovalThresholdMinor: bigint;
  /**
   * What an hour of internal maintenance labour costs, in minor units: completed work orders
   * post their labour at it (MAINTENANCE_LABOUR_RATE, a decimal amount, default 50.00).
   */
  maintenanceLabourRateMinor: bigint;
  /** Events buffered for one subscriber before it is dropped as too slow. */
  subscriberQueueLimit: number;
  limits: QueryLimits;
  /** Requests per minute per token (signed in) and per IP (anonymous). */
  rateLimitPerToken: number;
  rateLimitPerIp: number;
  /** Sign-in attempts per 15 minutes per IP and email; brute force is slowed and logged. */
  loginAttemptsPerWindow: number;
  /** Browser origins allowed to open a WebSocket, besides the server's own; `*` allows any. */
  allowedOrigins: string[];
  /** Run only the operations registered in schema/operations/ (off by default). */
  trustedDocuments: boolean;
  /** Outbound mail and the job queue (see the README's "Email and jobs"). */
  mail: MailConfig;
  jobs: JobsConfig;
  /** Customer satisfaction surveys (see the README's "Satisfaction surveys"). */
  csat: CsatConfig;
  /** What invoices and payslips say about the company (see the README's "Documents"). */
  documents: DocumentsConfig;
  /** Bank statements (see the README's "Banking"). */
  banking: BankingConfig;
}

export interface BankingConfig {
  /** The largest statement file `POST /bank-statements` takes, in bytes. */
  maxStatementBytes: number;
}

export interface CsatConfig {
  /** Send a survey when an agent solves a ticket whose customer has an email address. */
  surveys: boolean;
  /** Requests per survey token per 15 minutes (the page and the mutation together). */
  attemptsPerToken: number;
  /** Survey requests per client IP per 15 minutes, whatever the token. */
  attemptsPerIp: number;
}

export interface DocumentsConfig {
  /** The company's name, at the top of every document and in invoice emails. */
  companyName: string;
  /** The company's postal address, under its name. */
  companyAddress: string;
  /** How to pay an invoice, printed on it and in its email. */
  paymentTerms: string;
  /** Where to pay: bank, IBAN/account, BIC/routing, printed under the terms. */
  bankDetails: string;
  /** Minutes between sweeps that send invoices still unsent; 0 runs no sweep. */
  invoiceSweepMinutes: number;
}

export interface MailConfig {
  /** `smtp://` or `smtps://` URL of the outbound relay; undefined keeps mail in the local outbox. */
  smtpUrl: string | undefined;
  /** The From of every email, such as `Acme Support <support@acme.com>`. */
  from: string;
  /** The desk's address; replies go to `<local part>+<token>@<its domain>`. */
  supportAddress: string;
  /** Port of the inbound SMTP listener; undefined runs none (demo mode: 2525). */
  inboundSmtpPort: number | undefined;
  /** Bearer secret of `POST /inbound/email`; undefined turns the endpoint off. */
  inboundEmailSecret: string | undefined;
  /** Where the server is reached from outside, for links in mail. */
  publicUrl: string;
  /** The largest attachment kept, in bytes (inbound and uploaded). */
  maxAttachmentBytes: number;
  /** Tries after the first failed send of an email, before it shows FAILED. */
  sendRetries: number;
  /** Seconds before the first retry of a send; each retry waits twice as long as the last. */
  sendRetryDelaySeconds: number;
  /** Answer a ticket opened by email with an acknowledgement (never an auto-reply). */
  acknowledgeNewTickets: boolean;
}

export interface JobsConfig {
  /** Run the workers in this process (`npm start`); off for an API-only instance. */
  runWorkers: boolean;
  /** How often an idle worker asks for new jobs, in milliseconds (at least 500). */
  pollMs: number;
  /** Days a PENDING ticket waits for the customer before it is solved; 0 never solves. */
  pendingAutoSolveDays: number;
}

class ConfigError extends Error {}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const normalized = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** A rate such as "0.2" or "0.125" as basis points (2000, 1250), without floats. */
function parseRate(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const match = /^0?\.(\d{1,4})$|^(0|1)$/.exec(raw.trim());
  if (!match)
    throw new ConfigError(
      `${name} must be a rate from 0 to 1 with at most 4 decimals, such as 0.2, got "${raw}"`,
    );
  if (match[2] !== undefined) return Number(match[2]) * 10_000;
  return Number(match[1].padEnd(4, '0'));
}

function parseAmount(name: string, raw: string | undefined, fallback: bigint): bigint {
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!match)
    throw new ConfigError(
      `${name} must be an amount with at most two decimals, such as 1000.00, got "${raw}"`,
    );
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

function parseCurrency(name: string, raw: string | undefined, fallback: string): string {
  if (raw === undefined || raw === '') return fallback;
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code))
    throw new ConfigError(`${name} must be an ISO 4217 currency code such as USD, got "${raw}"`);
  return code;
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  const level = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/** Reads and validates every environment variable Backdesk uses, once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  }
  const port = parseInteger('PORT', env.PORT, 4000, 0, 65535);
  return {
    databaseUrl,
    port,
    host: env.HOST || '0.0.0.0',
    jwtSecret,
    sessionTtlSeconds: parseInteger(
      'SESSION_TTL_SECONDS',
      env.SESSION_TTL_SECONDS,
      12 * 3600,
      60,
      30 * 24 * 3600,
    ),
    demoSeed: parseBoolean('DEMO_SEED', env.DEMO_SEED, databaseUrl === undefined),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    dataDir: path.resolve(PROJECT_ROOT, env.DATA_DIR || '.data'),
    embeddedPostgresPort: parseInteger(
      'EMBEDDED_PG_PORT',
      env.EMBEDDED_PG_PORT,
      54329,
      1024,
      65535,
    ),
    shutdownGraceMs: parseInteger('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 10_000, 0, 600_000),
    payrollWithholdingBasisPoints: parseRate(
      'PAYROLL_WITHHOLDING_RATE',
      env.PAYROLL_WITHHOLDING_RATE,
      2000,
    ),
    booksCurrency: parseCurrency('BOOKS_CURRENCY', env.BOOKS_CURRENCY, 'USD'),
    eventRetentionDays: parseInteger('EVENT_RETENTION_DAYS', env.EVENT_RETENTION_DAYS, 30, 1, 3650),
    dsrDueDays: parseInteger('DSR_DUE_DAYS', env.DSR_DUE_DAYS, 30, 1, 90),
    poApprovalThresholdMinor: parseAmount(
      'PO_APPROVAL_THRESHOLD',
      env.PO_APPROVAL_THRESHOLD,
      100_000n,
    ),
    maintenanceLabourRateMinor: parseAmount(
      'MAINTENANCE_LABOUR_RATE',
      env.MAINTENANCE_LABOUR_RATE,
      5_000n,
    ),
    limits: {
      maxDepth: parseInteger(
        'MAX_QUERY_DEPTH',
        env.MAX_QUERY_DEPTH,
        DEFAULT_QUERY_LIMITS.maxDepth,
        2,
        100,
      ),
      maxAliases: parseInteger(
        'MAX_QUERY_ALIASES',
        env.MAX_QUERY_ALIASES,
        DEFAULT_QUERY_LIMITS.maxAliases,
        0,
        10_000,
      ),
      maxDirectives: parseInteger(
        'MAX_QUERY_DIRECTIVES',
        env.MAX_QUERY_DIRECTIVES,
        DEFAULT_QUERY_LIMITS.maxDirectives,
        0,
        10_000,
      ),
      maxCost: parseInteger(
        'MAX_QUERY_COST',
        env.MAX_QUERY_COST,
        DEFAULT_QUERY_LIMITS.maxCost,
        10,
        100_000_000,
      ),
      maxTokens: parseInteger(
        'MAX_QUERY_TOKENS',
        env.MAX_QUERY_TOKENS,
        DEFAULT_QUERY_LIMITS.maxTokens,
        100,
        1_000_000,
      ),
    },
    rateLimitPerToken: parseInteger(
      'RATE_LIMIT_PER_TOKEN',
      env.RATE_LIMIT_PER_TOKEN,
      6000,
      1,
      10_000_000,
    ),
    rateLimitPerIp: parseInteger('RATE_LIMIT_PER_IP', env.RATE_LIMIT_PER_IP, 1200, 1, 10_000_000),
    loginAttemptsPerWindow: parseInteger('LOGIN_ATTEMPTS', env.LOGIN_ATTEMPTS, 10, 1, 100_000),
    trustedDocuments: parseBoolean('TRUSTED_DOCUMENTS', env.TRUSTED_DOCUMENTS, false),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    subscriberQueueLimit: parseInteger(
      'SUBSCRIBER_QUEUE_LIMIT',
      env.SUBSCRIBER_QUEUE_LIMIT,
      1000,
      10,
      1_000_000,
    ),
    mail: loadMailConfig(env, databaseUrl === undefined, port),
    csat: {
      surveys: parseBoolean('CSAT_SURVEYS', env.CSAT_SURVEYS, true),
      attemptsPerToken: parseInteger(
        'CSAT_RATE_LIMIT_PER_TOKEN',
        env.CSAT_RATE_LIMIT_PER_TOKEN,
        20,
        1,
        100_000,
      ),
      attemptsPerIp: parseInteger(
        'CSAT_RATE_LIMIT_PER_IP',
        env.CSAT_RATE_LIMIT_PER_IP,
        200,
        1,
        10_000_000,
      ),
    },
    banking: {
      maxStatementBytes: parseInteger(
        'MAX_STATEMENT_BYTES',
        env.MAX_STATEMENT_BYTES,
        128 * 1024 * 1024,
        1024,
        1024 * 1024 * 1024,
      ),
    },
    documents: {
      companyName: env.COMPANY_NAME || 'Backdesk Demo Ltd',
      companyAddress: env.COMPANY_ADDRESS || '1 Example Street, 10115 Berlin, Germany',
      paymentTerms:
        env.INVOICE_PAYMENT_TERMS ||
        'Please pay by bank transfer by the due date, quoting the invoice number.',
      bankDetails:
        env.INVOICE_BANK_DETAILS ||
        'Example Bank, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX',
      invoiceSweepMinutes: parseInteger(
        'INVOICE_SWEEP_MINUTES',
        env.INVOICE_SWEEP_MINUTES,
        10,
        0,
        59,
      ),
    },
    jobs: {
      runWorkers: parseBoolean('RUN_WORKERS', env.RUN_WORKERS, true),
      pollMs: parseInteger('JOB_POLL_MS', env.JOB_POLL_MS, 2000, 500, 600_000),
      pendingAutoSolveDays: parseInteger(
        'PENDING_AUTO_SOLVE_DAYS',
        env.PENDING_AUTO_SOLVE_DAYS,
        7,
        0,
        3650,
      ),
    },
  };
}

const ADDRESS = /^[^\s@<>+]+@[^\s@<>]+\.[^\s@<>]+$/;

function loadMailConfig(env: NodeJS.ProcessEnv, demo: boolean, port: number): MailConfig {
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl))
    throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  const supportAddress = env.SUPPORT_ADDRESS || 'support@example.com';
  if (!ADDRESS.test(supportAddress))
    throw new ConfigError(
      `SUPPORT_ADDRESS must be a plain address without "+", such as support@example.com, got "${supportAddress}"`,
    );
  const inboundEmailSecret = env.INBOUND_EMAIL_SECRET || undefined;
  if (inboundEmailSecret !== undefined && inboundEmailSecret.length < 16)
    throw new ConfigError('INBOUND_EMAIL_SECRET must be at least 16 characters long');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(publicUrl))
    throw new ConfigError('PUBLIC_URL must start with http:// or https://');
  const inboundPort = env.INBOUND_SMTP_PORT;
  return {
    smtpUrl,
    from: env.MAIL_FROM || `Backdesk Support <${supportAddress}>`,
    supportAddress,
    inboundSmtpPort:
      inboundPort === undefined || inboundPort === ''
        ? demo
          ? 2525
          : undefined
        : parseInteger('INBOUND_SMTP_PORT', inboundPort, 2525, 0, 65535),
    inboundEmailSecret,
    publicUrl,
    maxAttachmentBytes: parseInteger(
      'MAX_ATTACHMENT_BYTES',
      env.MAX_ATTACHMENT_BYTES,
      10 * 1024 * 1024,
      1024,
      100 * 1024 * 1024,
    ),
    sendRetries: parseInteger('MAIL_SEND_RETRIES', env.MAIL_SEND_RETRIES, 8, 0, 50),
    sendRetryDelaySeconds: parseInteger(
      'MAIL_RETRY_DELAY_SECONDS',
      env.MAIL_RETRY_DELAY_SECONDS,
      30,
      1,
      86_400,
    ),
    acknowledgeNewTickets: parseBoolean(
      'EMAIL_ACKNOWLEDGE_NEW_TICKETS',
      env.EMAIL_ACKNOWLEDGE_NEW_TICKETS,
      true,
    ),
  };
}

export { ConfigError };
