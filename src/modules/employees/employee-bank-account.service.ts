import type { EntityManager } from '@mikro-orm/postgresql';
import { today } from '../common/calendar-dates';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import { isValidRoutingNumber, validBic, validIban } from '../common/bank-identifiers';
import type { Clock } from '../common/clock';
import { optionalText, refuseInput, requiredText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import {
  AchAccountType,
  EmployeeBankAccount,
  EmployeeBankAccountKind,
} from './employee-bank-account.entity';
import type { EmployeeService } from './employee.service';

/** A bank account as a client sends it: an IBAN (and BIC), or a routing and account number. */
export interface EmployeeBankAccountDraft {
  employeeId: number;
  holderName: string;
  iban?: string | null;
  bic?: string | null;
  routingNumber?: string | null;
  accountNumber?: string | null;
  accountType?: AchAccountType | null;
  effectiveFrom: string;
}

const field = (name: string) => ['input', name];

/**
 * What may be shown of an account: an IBAN's country and check digits and its last four
 * characters (`DE89 **** **** **** 3000`, the same width whatever its length), or the last four
 * digits of a US account number (`****6789`).
 */
export function maskedNumber(
  account: Pick<EmployeeBankAccount, 'kind' | 'iban' | 'accountNumber'>,
): string {
  if (account.kind === EmployeeBankAccountKind.IBAN) {
    const iban = account.iban ?? '';
    return `${iban.slice(0, 4)} **** **** **** ${iban.slice(-4)}`;
  }
  return `****${(account.accountNumber ?? '').slice(-4)}`;
}

/**
 * Employees' bank accounts, effective-dated. The rules a maintainer must keep: a change is a new
 * row (history is kept, rows are never updated), the account in force on a day is the latest
 * starting on or before it (ties: the later change), and every change mails the employee, at
 * their own address and in the change's transaction, the masked account and the date.
 */
export class EmployeeBankAccountService {
  constructor(
    private readonly employees: EmployeeService,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async set(
    { em }: RequestScope,
    viewer: Viewer,
    draft: EmployeeBankAccountDraft,
  ): Promise<{ bankAccount: EmployeeBankAccount }> {
    const holderName = requiredText(draft.holderName, field('holderName'), 140);
    if (!isCalendarDate(draft.effectiveFrom))
      refuseInput('Not a calendar date', field('effectiveFrom'));
    const details = this.details(draft);
    return inTransaction(em, async (tx) => {
      const employee = await this.employees.requireExisting(
        tx,
        draft.employeeId,
        field('employeeId'),
      );
      const bankAccount = tx.create(EmployeeBankAccount, {
        employee: this.employees.reference(tx, employee.id),
        holderName,
        ...details,
        effectiveFrom: draft.effectiveFrom,
        createdById: viewer.employeeId,
        createdAt: this.clock.now(),
      });
      await tx.flush();
      const masked = maskedNumber(bankAccount);
      await recordEvent(tx, {
        streamType: 'Employee',
        streamId: employee.id,
        type: 'BANK_ACCOUNT_CHANGED',
        payload: {
          kind: bankAccount.kind,
          maskedNumber: masked,
          effectiveFrom: draft.effectiveFrom,
        },
        actorId: viewer.employeeId,
      });
      const actor =
        viewer.employeeId === employee.id
          ? 'you'
          : (await this.employees.requireExisting(tx, viewer.employeeId, null)).name;
      await this.outbox.queue(tx, {
        kind: OutboundEmailKind.EMPLOYEE_BANK_ACCOUNT_CHANGED,
        to: employee.email,
        subject: 'The bank account for your pay was changed',
        text: [
          `Dear ${employee.name},`,
          '',
          `The bank account your pay goes to was changed by ${actor}.`,
          `From ${draft.effectiveFrom}, your pay goes to ${masked} (${holderName}).`,
          '',
          'If you did not ask for this change, tell HR at once.',
        ].join('\n'),
      });
      return { bankAccount };
    });
  }

  /** The accounts in force on a day, by employee (none: no entry). */
  async inForce(
    em: EntityManager,
    employeeIds: readonly number[],
    day: string,
  ): Promise<Map<number, EmployeeBankAccount>> {
    const accounts = new Map<number, EmployeeBankAccount>();
    if (employeeIds.length === 0) return accounts;
    const rows = await em.find(
      EmployeeBankAccount,
      { employee: { $in: [...employeeIds] }, effectiveFrom: { $lte: day } },
      { orderBy: { employee: 'asc', effectiveFrom: 'desc', id: 'desc' } },
    );
    for (const row of rows) if (!accounts.has(row.employee.id)) accounts.set(row.employee.id, row);
    return accounts;
  }

  /** The accounts in force today (the clock's day), by employee. */
  inForceToday(
    em: EntityManager,
    employeeIds: readonly number[],
  ): Promise<Map<number, EmployeeBankAccount>> {
    return this.inForce(em, employeeIds, today(this.clock));
  }

  /** The validated columns of one kind of account. */
  private details(draft: EmployeeBankAccountDraft) {
    const iban = optionalText(draft.iban, field('iban'), 42);
    const routingNumber = optionalText(draft.routingNumber, field('routingNumber'), 9);
    const accountNumber = optionalText(draft.accountNumber, field('accountNumber'), 17);
    if (iban !== null) {
      if (routingNumber !== null || accountNumber !== null || draft.accountType != null)
        refuseInput('Give an IBAN or a US routing and account number, not both', field('iban'));
      const valid = validIban(iban);
      if (valid === null)
        refuseInput(
          `${iban} is not a valid IBAN (its length or check digits are wrong)`,
          field('iban'),
        );
      const bicText = optionalText(draft.bic, field('bic'), 11);
      const bic = bicText === null ? null : validBic(bicText);
      if (bicText !== null && bic === null)
        refuseInput(`${bicText} is not a valid BIC`, field('bic'));
      return { kind: EmployeeBankAccountKind.IBAN, iban: valid, bic };
    }
    if (routingNumber === null && accountNumber === null)
      refuseInput('Give an IBAN, or a US routing and account number', field('iban'));
    if (draft.bic != null) refuseInput('A BIC goes with an IBAN', field('bic'));
    if (routingNumber === null || !isValidRoutingNumber(routingNumber))
      refuseInput(
        'A routing number has nine digits, the last a check digit (ABA)',
        field('routingNumber'),
      );
    if (accountNumber === null || !/^\d{4,17}$/.test(accountNumber))
      refuseInput('An account number has 4 to 17 digits', field('accountNumber'));
    return {
      kind: EmployeeBankAccountKind.US_ACH,
      routingNumber,
      accountNumber,
      accountType: draft.accountType ?? AchAccountType.CHECKING,
    };
  }
}
