import { LockMode } from '@mikro-orm/core';
import { today } from '../common/calendar-dates';
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import {
  DocumentRefusal,
  findStoredDocument,
  storedDocument,
} from '../../documents/document-store';
import { toGlobalId } from '../../graphql/global-id';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { BankAccount } from '../banking/bank.entity';
import type { BankingService } from '../banking/banking.service';
import type { Clock } from '../common/clock';
import type { SignedLinks } from '../common/signed-links';
import { refuse, UserErrorCode } from '../common/errors';
import { requiredText } from '../common/input-rules';
import { BOOK_CURRENCY } from '../common/money';
import type { RequestScope } from '../common/scope';
import { hasAnyRole, type Viewer } from '../common/viewer';
import {
  StandardAccount,
  posting,
  type LedgerService,
  type PostingLine,
} from '../ledger/ledger.service';
import {
  AchAccountType,
  EmployeeBankAccountKind,
  type EmployeeBankAccount,
} from './employee-bank-account.entity';
import type { EmployeeBankAccountService } from './employee-bank-account.service';
import { PAY_READERS } from './employee.service';
import { writeNacha, traceNumber } from './payment-formats/nacha';
import { writePain001 } from './payment-formats/pain001';
import {
  PaymentFile,
  PaymentFileFormat,
  PaymentFileItem,
  PaymentFileStatus,
  PaymentItemStatus,
} from './payment-file.entity';
import { PayrollRun, PayrollRunStatus, Payslip } from './payroll.entity';

/** NACHA file ID modifiers, in the order files of one paying account and day take them. */
const FILE_ID_MODIFIERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The kind of employee account each format pays into. */
const ACCOUNT_KIND: Record<PaymentFileFormat, EmployeeBankAccountKind> = {
  SEPA_PAIN_001: EmployeeBankAccountKind.IBAN,
  NACHA_PPD: EmployeeBankAccountKind.US_ACH,
};

const field = (name: string) => ['input', name];

/** What a signed link names: only a payment file's link opens a payment file. */
export const paymentFileResource = (paymentFileId: number) =>
  `document:payment-file:${paymentFileId}`;

/** The path of a payment file's bytes, without its signature. */
export function paymentFilePath(paymentFileId: number, format: PaymentFileFormat): string {
  const extension = format === PaymentFileFormat.NACHA_PPD ? 'ach' : 'xml';
  return `/documents/payment-files/${toGlobalId('PaymentFile', paymentFileId)}.${extension}`;
}

/** What one credit of a new file pays. */
interface Credit {
  payslip: Payslip;
  account: EmployeeBankAccount;
  endToEndId: string;
  traceNumber: string | null;
}

/**
 * Payment files: a posted payroll run's net pay, paid through the company's bank. The rules a
 * maintainer must keep:
 * - posting a run credits net pay to 2110 Net pay clearing (PayrollService.post); settling a file
 *   moves its total from clearing to the paying bank's ledger account (Dr 2110 / Cr bank), once;
 *   a return after settlement moves one credit back (Dr bank / Cr 2110) and frees its payslip;
 * - a file pays each payslip of the run with net pay that no INCLUDED item pays yet, into the
 *   employee's account in force on the execution date; its total is the sum of its credits;
 * - a file's bytes are written once, with the row, as a stored document, and never regenerated:
 *   a wrong file is voided (before settlement) and a new one made; a returned credit is paid
 *   again by a new file for the run, which pays exactly the payslips left unpaid;
 * - one live (CREATED) file per run and format, and one INCLUDED item per payslip: both are
 *   unique indexes, and files are made one at a time (an advisory lock), so NACHA file ID
 *   modifiers are handed out in order.
 */
export class PaymentFileService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly banking: BankingService,
    private readonly bankAccounts: EmployeeBankAccountService,
    private readonly company: { companyName: string },
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** Who may read what a file pays to whom (its bytes and items): the readers of everyone's pay. */
  mayReadContent(viewer: Viewer): boolean {
    return hasAnyRole(viewer, PAY_READERS);
  }

  /** The stored bytes of a file, as they were written. */
  async content({ em }: RequestScope, paymentFileId: number): Promise<StoredDocument> {
    const document = await findStoredDocument(em, `payment-file:${paymentFileId}`);
    if (!document) throw new Error(`payment file ${paymentFileId} has no stored bytes`);
    return document;
  }

  /** The bytes for a download: with a valid signed link, or for a viewer who may read them. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { paymentFileId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    authorizeDocument(
      this.links,
      paymentFileResource(request.paymentFileId),
      request.link,
      viewer,
      (reader) => this.mayReadContent(reader),
    );
    if (!(await em.count(PaymentFile, { id: request.paymentFileId })))
      throw new DocumentRefusal('NOT_FOUND', 'No such payment file');
    return this.content({ em }, request.paymentFileId);
  }

  /** The signed path of a file's bytes (15 minutes); handed only to those who may read them. */
  downloadUrl(paymentFileId: number, format: PaymentFileFormat): string {
    return `${paymentFilePath(paymentFileId, format)}?${this.links.sign(paymentFileResource(paymentFileId))}`;
  }

  async create(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      payrollRunId: number;
      format: PaymentFileFormat;
      executionDate: string;
      bankAccountId: number;
    },
  ): Promise<{ paymentFile: PaymentFile }> {
    if (!isCalendarDate(input.executionDate))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a calendar date', field('executionDate'));
    return inTransaction(em, async (tx) => {
      await runSql(tx, "SELECT pg_advisory_xact_lock(hashtext('payment-files'))", []);
      const run = await tx.findOne(
        PayrollRun,
        { id: input.payrollRunId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!run) refuse(UserErrorCode.NOT_FOUND, 'No such payroll run', field('payrollRunId'));
      if (run.status !== PayrollRunStatus.POSTED)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'Only a posted payroll run is paid',
          field('payrollRunId'),
        );
      if (
        await tx.count(PaymentFile, {
          run,
          format: input.format,
          status: PaymentFileStatus.CREATED,
        })
      )
        refuse(
          UserErrorCode.PAYMENT_FILE_EXISTS,
          `The run has a live ${input.format} file: void it first`,
          field('format'),
        );
      const bank = await this.payingAccount(tx, input.bankAccountId, input.format);
      const payslips = await tx.find(
        Payslip,
        { run, netMinor: { $gt: 0n } },
        { populate: ['employee'], orderBy: { employee: 'asc' } },
      );
      const paying = new Set(
        (
          await tx.find(PaymentFileItem, {
            payslip: { $in: payslips.map((slip) => slip.id) },
            status: PaymentItemStatus.INCLUDED,
          })
        ).map((item) => item.payslip.id),
      );
      const unpaid = payslips.filter((slip) => !paying.has(slip.id));
      if (unpaid.length === 0)
        refuse(
          UserErrorCode.PAYMENT_FILE_EXISTS,
          'Every payslip of the run is paid or being paid',
          field('payrollRunId'),
        );
      const accounts = await this.bankAccounts.inForce(
        tx,
        unpaid.map((slip) => slip.employee.id),
        input.executionDate,
      );
      const kind = ACCOUNT_KIND[input.format];
      const missing = unpaid.filter((slip) => accounts.get(slip.employee.id)?.kind !== kind);
      if (missing.length > 0)
        refuse(
          UserErrorCode.EMPLOYEE_BANK_ACCOUNT_MISSING,
          `No ${kind === EmployeeBankAccountKind.IBAN ? 'IBAN' : 'US bank'} account in force on ${input.executionDate} for ${missing
            .map((slip) => `${slip.employee.name} (${slip.employee.number})`)
            .join(', ')}`,
          field('payrollRunId'),
        );

      const [{ id: nextId }] = await runSql<{ id: string }>(
        tx,
        "SELECT nextval('payment_file_id_seq') AS id",
        [],
      );
      const id = Number(nextId);
      const now = this.clock.now();
      const createdOn = now.toISOString().slice(0, 10);
      const messageId = `BD-PF-${id}-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
      const nacha = input.format === PaymentFileFormat.NACHA_PPD;
      const fileIdModifier = nacha ? await this.nextModifier(tx, bank.id, createdOn) : null;
      const credits: Credit[] = unpaid.map((payslip, index) => ({
        payslip,
        account: accounts.get(payslip.employee.id) as EmployeeBankAccount,
        endToEndId: `BD-PF-${id}-${payslip.id}`,
        traceNumber: nacha ? traceNumber(bank.routingNumber ?? '', index + 1) : null,
      }));
      const content = nacha
        ? this.nacha(bank, fileIdModifier ?? 'A', now, input.executionDate, credits)
        : this.pain001(bank, messageId, now, input.executionDate, run, credits);
      const document = await storedDocument(tx, {
        kind: DocumentKind.PAYMENT_FILE,
        key: `payment-file:${id}`,
        filename: nacha ? `${messageId}.ach` : `${messageId}.xml`,
        contentType: nacha ? 'text/plain; charset=us-ascii' : 'application/xml',
        render: () => Promise.resolve(Buffer.from(content, nacha ? 'ascii' : 'utf8')),
        createdAt: now,
      });
      const totalMinor = credits.reduce((total, credit) => total + credit.payslip.netMinor, 0n);
      const paymentFile = tx.create(PaymentFile, {
        id,
        run,
        format: input.format,
        bankAccountId: bank.id,
        bankLedgerAccountId: bank.ledgerAccountId,
        currency: BOOK_CURRENCY,
        executionDate: input.executionDate,
        totalMinor,
        itemCount: credits.length,
        messageId,
        fileIdModifier,
        createdOn,
        documentId: document.id,
        sha256: document.sha256,
        createdById: viewer.employeeId,
        createdAt: now,
      });
      for (const credit of credits)
        tx.create(PaymentFileItem, {
          file: paymentFile,
          payslip: credit.payslip,
          employee: credit.payslip.employee,
          bankAccount: credit.account,
          amountMinor: credit.payslip.netMinor,
          endToEndId: credit.endToEndId,
          traceNumber: credit.traceNumber,
        });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'PaymentFile',
        streamId: id,
        type: 'CREATED',
        payload: {
          payrollRunId: run.id,
          format: input.format,
          executionDate: input.executionDate,
          total: totalMinor.toString(),
          count: credits.length,
          sha256: document.sha256,
        },
        actorId: viewer.employeeId,
      });
      return { paymentFile };
    });
  }

  /** Voids a file that was not settled: its bytes stay as they were, its payslips are free again. */
  async void(
    { em }: RequestScope,
    viewer: Viewer,
    input: { paymentFileId: number; reason: string },
  ): Promise<{ paymentFile: PaymentFile }> {
    const reason = requiredText(input.reason, field('reason'), 1000);
    return inTransaction(em, async (tx) => {
      const file = await this.lockCreated(tx, input.paymentFileId, {
        SETTLED: 'A settled file is not voided: return its credits instead',
        VOID: 'The file is void already',
      });
      file.status = PaymentFileStatus.VOID;
      file.voidedAt = this.clock.now();
      file.voidReason = reason;
      await tx.nativeUpdate(
        PaymentFileItem,
        { file: file.id, status: PaymentItemStatus.INCLUDED },
        { status: PaymentItemStatus.VOID },
      );
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'PaymentFile',
        streamId: file.id,
        type: 'VOIDED',
        payload: { reason },
        actorId: viewer.employeeId,
      });
      return { paymentFile: file };
    });
  }

  /** The bank paid the file: its total leaves clearing for the paying bank's ledger account. */
  async settle(
    { em }: RequestScope,
    viewer: Viewer,
    input: { paymentFileId: number; settledOn: string },
  ): Promise<{ paymentFile: PaymentFile }> {
    if (!isCalendarDate(input.settledOn))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a calendar date', field('settledOn'));
    return inTransaction(em, async (tx) => {
      const file = await this.lockCreated(tx, input.paymentFileId, {
        SETTLED: 'The file was settled already',
        VOID: 'A void file is not settled',
      });
      const clearing = await this.ledger.accountId(tx, StandardAccount.NET_PAY_CLEARING);
      const entry = await posting(field('settledOn'), () =>
        this.ledger.post(tx, {
          date: input.settledOn,
          memo: `Payment file ${file.messageId} settled`,
          source: 'PAYMENT_FILE',
          actorId: viewer.employeeId,
          lines: transfer(clearing, file.bankLedgerAccountId, file.totalMinor),
        }),
      );
      file.status = PaymentFileStatus.SETTLED;
      file.settledOn = input.settledOn;
      file.settlementEntryId = entry.id;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'PaymentFile',
        streamId: file.id,
        type: 'SETTLED',
        payload: { settledOn: input.settledOn, journalEntryId: entry.id },
        actorId: viewer.employeeId,
      });
      return { paymentFile: file };
    });
  }

  /**
   * The bank returned an employee's credit of a settled file: it goes back to clearing
   * (Dr bank / Cr 2110), the item is RETURNED and its payslip unpaid, for a later file to pay.
   */
  async returnPayment(
    { em }: RequestScope,
    viewer: Viewer,
    input: { paymentFileId: number; employeeId: number; reason: string; returnedOn: string | null },
  ): Promise<{ paymentFile: PaymentFile; item: PaymentFileItem }> {
    const reason = requiredText(input.reason, field('reason'), 1000);
    const returnedOn = input.returnedOn ?? today(this.clock);
    if (!isCalendarDate(returnedOn))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a calendar date', field('returnedOn'));
    return inTransaction(em, async (tx) => {
      const file = await this.lockFile(tx, input.paymentFileId);
      if (file.status !== PaymentFileStatus.SETTLED)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'Only a credit of a settled file is returned (void an unsettled file instead)',
          field('paymentFileId'),
        );
      const item = await tx.findOne(
        PaymentFileItem,
        { file, employee: input.employeeId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!item)
        refuse(UserErrorCode.NOT_FOUND, 'The file pays no such employee', field('employeeId'));
      if (item.status !== PaymentItemStatus.INCLUDED)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'That credit was returned already',
          field('employeeId'),
        );
      const clearing = await this.ledger.accountId(tx, StandardAccount.NET_PAY_CLEARING);
      const entry = await posting(field('returnedOn'), () =>
        this.ledger.post(tx, {
          date: returnedOn,
          memo: `Payment ${item.endToEndId} returned: ${reason}`,
          source: 'PAYMENT_FILE',
          actorId: viewer.employeeId,
          lines: transfer(file.bankLedgerAccountId, clearing, item.amountMinor),
        }),
      );
      item.status = PaymentItemStatus.RETURNED;
      item.returnedOn = returnedOn;
      item.returnReason = reason;
      item.returnEntryId = entry.id;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'PaymentFile',
        streamId: file.id,
        type: 'PAYMENT_RETURNED',
        payload: { employeeId: input.employeeId, returnedOn, reason, journalEntryId: entry.id },
        actorId: viewer.employeeId,
      });
      return { paymentFile: file, item };
    });
  }

  /** The paying account, checked for the books' currency and the details the format needs. */
  private async payingAccount(
    tx: EntityManager,
    id: number,
    format: PaymentFileFormat,
  ): Promise<BankAccount> {
    const bank = await this.banking.findBankAccount(tx, id);
    if (!bank) refuse(UserErrorCode.NOT_FOUND, 'No such bank account', field('bankAccountId'));
    if (bank.currency !== BOOK_CURRENCY)
      refuse(
        UserErrorCode.CURRENCY_MISMATCH,
        `The file pays in the books' currency (${BOOK_CURRENCY}); the account holds ${bank.currency}`,
        field('bankAccountId'),
      );
    if (format === PaymentFileFormat.SEPA_PAIN_001) {
      if (!bank.iban)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'A pain.001 file pays from an IBAN',
          field('bankAccountId'),
        );
      if (BOOK_CURRENCY !== 'EUR' && !bank.bic)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'Outside SEPA (EUR), a pain.001 file names the paying bank by its BIC',
          field('bankAccountId'),
        );
    } else {
      if (BOOK_CURRENCY !== 'USD')
        refuse(UserErrorCode.CURRENCY_MISMATCH, 'A NACHA file pays in USD', field('format'));
      if (!bank.routingNumber || !bank.achCompanyId)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'A NACHA file needs the paying account’s routing number and ACH company ID',
          field('bankAccountId'),
        );
    }
    return bank;
  }

  /** The next NACHA file ID modifier of a paying account for a day (files are made one at a time). */
  private async nextModifier(
    tx: EntityManager,
    bankAccountId: number,
    day: string,
  ): Promise<string> {
    const used = await tx.count(PaymentFile, {
      bankAccountId,
      createdOn: day,
      fileIdModifier: { $ne: null },
    });
    if (used >= FILE_ID_MODIFIERS.length)
      refuse(
        UserErrorCode.INVALID_INPUT,
        `At most ${FILE_ID_MODIFIERS.length} NACHA files a day per paying account`,
        field('bankAccountId'),
      );
    return FILE_ID_MODIFIERS[used];
  }

  private pain001(
    bank: BankAccount,
    messageId: string,
    now: Date,
    executionDate: string,
    run: PayrollRun,
    credits: Credit[],
  ): string {
    return writePain001({
      messageId,
      createdAt: now,
      initiatingParty: this.company.companyName,
      executionDate,
      currency: BOOK_CURRENCY,
      debtorName: this.company.companyName,
      debtorIban: bank.iban ?? '',
      debtorBic: bank.bic,
      credits: credits.map(({ payslip, account, endToEndId }) => ({
        endToEndId,
        amountMinor: payslip.netMinor,
        creditorName: account.holderName,
        creditorIban: account.iban ?? '',
        creditorBic: account.bic,
        remittance: `Salary ${run.periodStart} to ${run.periodEnd}`,
      })),
    });
  }

  private nacha(
    bank: BankAccount,
    fileIdModifier: string,
    now: Date,
    executionDate: string,
    credits: Credit[],
  ): string {
    return writeNacha({
      bankRoutingNumber: bank.routingNumber ?? '',
      bankName: bank.name,
      companyId: bank.achCompanyId ?? '',
      companyName: this.company.companyName,
      fileIdModifier,
      createdAt: now,
      effectiveDate: executionDate,
      credits: credits.map(({ payslip, account }) => ({
        transactionCode: account.accountType === AchAccountType.SAVINGS ? '32' : '22',
        routingNumber: account.routingNumber ?? '',
        accountNumber: account.accountNumber ?? '',
        amountMinor: payslip.netMinor,
        individualId: payslip.employee.number,
        individualName: account.holderName,
      })),
    });
  }

  /** A file locked and still CREATED; otherwise refused with the message for its status. */
  private async lockCreated(
    tx: EntityManager,
    id: number,
    refusals: Record<PaymentFileStatus.SETTLED | PaymentFileStatus.VOID, string>,
  ): Promise<PaymentFile> {
    const file = await this.lockFile(tx, id);
    if (file.status !== PaymentFileStatus.CREATED)
      refuse(UserErrorCode.INVALID_TRANSITION, refusals[file.status], field('paymentFileId'));
    return file;
  }

  private async lockFile(tx: EntityManager, id: number): Promise<PaymentFile> {
    const file = await tx.findOne(PaymentFile, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!file) refuse(UserErrorCode.NOT_FOUND, 'No such payment file', field('paymentFileId'));
    return file;
  }
}

/** Dr one account / Cr the other, the same amount. */
function transfer(
  debitAccountId: number,
  creditAccountId: number,
  amountMinor: bigint,
): PostingLine[] {
  return [
    { accountId: debitAccountId, debitMinor: amountMinor, creditMinor: 0n },
    { accountId: creditAccountId, debitMinor: 0n, creditMinor: amountMinor },
  ];
}
