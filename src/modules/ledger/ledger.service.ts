import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import {
  inTransaction,
  isUniqueViolation,
  pgArray,
  retryingLostRaces,
  sqlDetail,
  sqlState,
} from '../../db/transaction';
import { eventInsert, recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { today } from '../common/calendar-dates';
import { parseMinorUnits } from '../common/money';
import { isCalendarDate } from '../../graphql/scalars';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { optionalText, requiredText } from '../common/input-rules';
import {
  Account,
  AccountType,
  CASH_FLOW_ACCOUNT_TYPES,
  CashFlowSection,
  JournalEntry,
  LedgerCounter,
  LedgerSettings,
  NORMAL_BALANCE,
} from './ledger.entity';
import { runLockingSql, runSql } from '../../db/sql';
import { type Row, findRowsById, rowMapper, selectListOf } from '../../read';
import type { RequestScope } from '../common/scope';

/** The chart of accounts every installation has (created by a migration); the system posts to them. */
export const StandardAccount = {
  CASH: '1000',
  ACCOUNTS_RECEIVABLE: '1100',
  INVENTORY: '1200',
  ACCOUNTS_PAYABLE: '2000',
  /** Goods received from vendors and not yet billed (purchasing's receipts credit it, bills clear it). */
  GOODS_RECEIVED_NOT_INVOICED: '2150',
  PAYROLL_LIABILITIES: '2100',
  /** Net pay posted by payroll and not yet paid out by a settled payment file. */
  NET_PAY_CLEARING: '2110',
  OWNERS_EQUITY: '3000',
  SALES_REVENUE: '4000',
  COST_OF_GOODS_SOLD: '5000',
  /** What vendors billed above (or below) the purchase order's price. */
  PURCHASE_PRICE_VARIANCE: '5100',
  SALARIES_EXPENSE: '6000',
  OPERATING_EXPENSES: '6100',
  /** What maintenance work orders cost: parts taken from stock and internal labour. */
  MAINTENANCE_EXPENSE: '6150',
  /** Dunning fees and interest charged to customers (collections). */
  LATE_FEES_AND_INTEREST: '4900',
} as const;

/** One line of a posting, in minor units; exactly one side is positive. */
export interface PostingLine {
  accountId: number;
  debitMinor: bigint;
  creditMinor: bigint;
  memo?: string | null;
  customerId?: number | null;
  vendorId?: number | null;
}

export interface Posting {
  /** A pre-allocated id (see `allocateEntryId`); allocated here when omitted. */
  entryId?: number;
  date: string;
  memo: string | null;
  source: string;
  lines: PostingLine[];
  actorId: number | null;
  reversalOfId?: number | null;
}

/** A journal entry as a client sends it: Decimal strings, and the field path of each line. */
export interface ManualEntryDraft {
  date: string;
  memo?: string | null;
  idempotencyKey?: string | null;
  lines: {
    accountId: number;
    debit?: string | null;
    credit?: string | null;
    memo?: string | null;
  }[];
}

/** What a posting produced. */
export interface PostedEntry {
  id: number;
  number: number;
}

const MAX_LINES = 500;

/** The arguments of `ledger_post_entry` and `ledger_post_open_entry`, as `postingStatement` binds them. */
const POSTING_PARAMETERS =
  '?, ?, ?, ?, ?, ?, ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[]';

/** What `ledger_post_open_entry` raises for a date the books are closed through. */
const PERIOD_CLOSED_SQLSTATE = 'BD003';

function periodClosed(closedThrough: string): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.PERIOD_CLOSED,
    `The books are closed through ${closedThrough}`,
    ['input', 'date'],
  );
}

/**
 * Runs a posting for a mutation whose date is not `input.date`: a closed period is reported on the
 * caller's own input field.
 */
export async function posting<T>(field: string[], post: () => Promise<T>): Promise<T> {
  try {
    return await post();
  } catch (error) {
    if (error instanceof BusinessRuleError && error.code === UserErrorCode.PERIOD_CLOSED)
      throw new BusinessRuleError(error.code, error.message, field);
    throw error;
  }
}

function lineSide(value: string | null | undefined, field: string[]): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  const parsed = parseMinorUnits(value, { allowZero: true });
  if (!parsed.ok) {
    const reason = {
      format: 'Not a decimal amount',
      precision: 'At most two decimals',
      negative: 'Amounts are positive',
      zero: '',
      too_large: 'Too large',
    };
    throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, reason[parsed.reason], field);
  }
  return parsed.minor;
}

/** Only balance-sheet accounts take a cash flow section; revenue and expenses are net income. */
function sectionAllowed(type: AccountType, code: string, field: string[]): void {
  if (!CASH_FLOW_ACCOUNT_TYPES.has(type))
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      `Account ${code} is a ${type.toLowerCase()} account: only asset, liability and equity accounts take a cash flow section (revenue and expenses count through net income)`,
      field,
    );
}

/**
 * The general ledger: the only code that writes journal entries. Every posting locks its accounts
 * in id order (so concurrent postings never deadlock), checks the closed period, takes the next
 * gapless number, writes the lines with each account's running balance, and updates the accounts,
 * all in the caller's transaction. The database refuses unbalanced or altered entries on its own.
 */
export class LedgerService {
  private accountIds = new Map<string, number>();

  /** The id of a standard account by code (cached: codes never change). */
  async accountId(em: EntityManager, code: string): Promise<number> {
    const cached = this.accountIds.get(code);
    if (cached !== undefined) return cached;
    const account = await em.findOneOrFail(Account, { code });
    this.accountIds.set(code, account.id);
    return account.id;
  }

  /**
   * The ids of several standard accounts, one query at a time: a transaction's connection runs
   * one statement at once, so parallel queries on it would only queue (and pg deprecates that).
   */
  async accountIdsOf(em: EntityManager, codes: readonly string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const code of codes) ids.push(await this.accountId(em, code));
    return ids;
  }

  /** Posts a balanced entry inside the caller's transaction. */
  async post(tx: EntityManager, posting: Posting): Promise<PostedEntry> {
    const statement = await this.postingStatement(tx, posting);
    await tx.flush();
    const [{ number }] = await runSql<{ number: string }>(
      tx,
      `WITH recorded AS (${statement.event.sql})
       SELECT ledger_post_entry(${POSTING_PARAMETERS}) AS number`,
      [...statement.event.params, ...statement.values],
    );
    return { id: statement.entryId, number: Number(number) };
  }

  /**
   * `post` outside a transaction: the checks are plain reads, and the locked part is one
   * statement, a transaction of its own (`ledger_post_open_entry`, which checks again that the
   * date is open, under the lock `post` takes), that answers with the entry. No BEGIN and COMMIT
   * round trips, nor one to read the entry after.
   */
  private async postAlone(em: EntityManager, posting: Posting): Promise<Row<JournalEntry>> {
    const statement = await this.postingStatement(em, posting);
    try {
      const [entry] = await retryingLostRaces(() =>
        runLockingSql(
          em,
          `WITH recorded AS (${statement.event.sql})
           SELECT ${selectListOf(em, JournalEntry)} FROM ledger_post_open_entry(${POSTING_PARAMETERS})`,
          [...statement.event.params, ...statement.values],
        ),
      );
      return rowMapper(em, JournalEntry)(entry);
    } catch (error) {
      if (sqlState(error) === PERIOD_CLOSED_SQLSTATE) throw periodClosed(sqlDetail(error) ?? '');
      throw error;
    }
  }

  /**
   * A posting, checked, as the values of its locked part: everything that needs no lock happens
   * first, so the locked part is one call, just before commit, in the same statement as the
   * POSTED event (one round trip for both).
   */
  private async postingStatement(
    em: EntityManager,
    posting: Posting,
  ): Promise<{ entryId: number; event: { sql: string; params: unknown[] }; values: unknown[] }> {
    const field = (index: number, name: string) => ['input', 'lines', String(index), name];
    if (posting.lines.length < 2) {
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'An entry has at least two lines', [
        'input',
        'lines',
      ]);
    }
    if (posting.lines.length > MAX_LINES) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `An entry has at most ${MAX_LINES} lines`,
        ['input', 'lines'],
      );
    }
    let debits = 0n;
    let credits = 0n;
    posting.lines.forEach((line, index) => {
      const oneSide =
        (line.debitMinor > 0n && line.creditMinor === 0n) ||
        (line.creditMinor > 0n && line.debitMinor === 0n);
      if (!oneSide) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'Each line has exactly one positive side: a debit or a credit',
          field(index, 'debit'),
        );
      }
      debits += line.debitMinor;
      credits += line.creditMinor;
    });
    if (debits !== credits) {
      throw new BusinessRuleError(
        UserErrorCode.UNBALANCED,
        `Debits (${debits}) and credits (${credits}) differ, in cents`,
        ['input', 'lines'],
      );
    }
    if (!isCalendarDate(posting.date))
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', [
        'input',
        'date',
      ]);
    const accountIds = [...new Set(posting.lines.map((line) => line.accountId))];
    const checked = await this.checkPosting(em, accountIds, posting.entryId);
    if (checked.closedThrough && posting.date <= checked.closedThrough)
      throw periodClosed(checked.closedThrough);
    posting.lines.forEach((line, index) => {
      if (!checked.accountIds.has(line.accountId))
        throw new BusinessRuleError(
          UserErrorCode.NOT_FOUND,
          'No such account',
          field(index, 'accountId'),
        );
    });

    const { entryId } = checked;
    const column = (pick: (line: PostingLine) => string | number | bigint | null) =>
      pgArray(posting.lines.map(pick));
    return {
      entryId,
      event: eventInsert({
        streamType: 'JournalEntry',
        streamId: entryId,
        type: 'POSTED',
        payload: { date: posting.date, source: posting.source, total: debits.toString() },
        actorId: posting.actorId,
      }),
      values: [
        entryId,
        posting.date,
        posting.memo,
        posting.source,
        posting.reversalOfId ?? null,
        posting.actorId,
        column((line) => line.accountId),
        column((line) => line.debitMinor),
        column((line) => line.creditMinor),
        column((line) => line.memo ?? null),
        column((line) => line.customerId ?? null),
        column((line) => line.vendorId ?? null),
      ],
    };
  }

  /** A committed entry, as a plain row, for a mutation's payload. */
  private async postedEntry(em: EntityManager, id: number): Promise<Row<JournalEntry>> {
    const [entry] = await findRowsById(em, JournalEntry, [id]);
    if (!entry) throw new Error(`journal entry ${id} is missing after its transaction committed`);
    return entry;
  }

  /**
   * Reserves the id of an entry to be posted later in the same transaction, so the document that
   * causes it can record the id first and the posting, which locks the accounts, runs last, just
   * before commit (the accounts are the hottest rows: hold them for as short a time as possible).
   */
  async allocateEntryId(tx: EntityManager): Promise<number> {
    const [{ id }] = await runSql<{ id: string }>(
      tx,
      "SELECT nextval(pg_get_serial_sequence('journal_entry', 'id')) AS id",
    );
    return Number(id);
  }

  /**
   * What a posting checks before its locked part, read in one statement: the day the books are
   * closed through, which of its accounts exist, and its entry id: the one it was given, or a new
   * one (an id drawn for a posting that is then refused is a gap in ids, never in entry numbers).
   * FOR SHARE in a transaction: a concurrent closePeriod waits for this posting, and this posting
   * sees any close that committed. Outside one the lock would end with the statement: the read is
   * plain, and `ledger_post_open_entry` takes the lock for the locked part.
   */
  private async checkPosting(
    em: EntityManager,
    accountIds: readonly number[],
    entryId: number | undefined,
  ): Promise<{ closedThrough: string | null; accountIds: Set<number>; entryId: number }> {
    const [row] = await runSql<{
      closed_through: string | null;
      account_ids: string[];
      entry_id: string;
    }>(
      em,
      `SELECT (SELECT to_char(closed_through, 'YYYY-MM-DD') FROM ledger_settings WHERE id = 1
                ${em.isInTransaction() ? 'FOR SHARE' : ''})
                AS closed_through,
              ARRAY(SELECT id FROM account WHERE id = ANY(?)) AS account_ids,
              coalesce(?::bigint, nextval(pg_get_serial_sequence('journal_entry', 'id'))) AS entry_id`,
      [accountIds, entryId],
    );
    return {
      closedThrough: row.closed_through,
      accountIds: new Set(row.account_ids.map(Number)),
      entryId: Number(row.entry_id),
    };
  }

  /** `postJournalEntry`: a manual entry, idempotent by key. */
  async postManualEntry(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ManualEntryDraft,
  ): Promise<{ journalEntry: Row<JournalEntry> }> {
    const lines: PostingLine[] = draft.lines.map((line, index) => ({
      accountId: line.accountId,
      debitMinor: lineSide(line.debit, ['input', 'lines', String(index), 'debit']),
      creditMinor: lineSide(line.credit, ['input', 'lines', String(index), 'credit']),
      memo: optionalText(line.memo, ['input', 'lines', String(index), 'memo'], 500),
    }));
    const memo = optionalText(draft.memo, ['input', 'memo'], 1000);
    const key = draft.idempotencyKey ?? null;
    const posting: Posting = {
      date: draft.date,
      memo,
      source: 'MANUAL',
      lines,
      actorId: viewer.employeeId,
    };
    if (key === null) return { journalEntry: await this.postAlone(em, posting) };
    const entryId = await inTransaction(em, async (tx) => {
      const claim = await claimIdempotencyKey(
        tx,
        'postJournalEntry',
        key,
        requestHash({ date: draft.date, memo, lines }),
      );
      if (!claim.fresh) return Number(claim.resultId);
      // The key records the entry's id before the posting, so the locked part stays last.
      const reservedId = await this.allocateEntryId(tx);
      await completeIdempotencyKey(tx, 'postJournalEntry', key, reservedId);
      return (await this.post(tx, { ...posting, entryId: reservedId })).id;
    });
    return { journalEntry: await this.postedEntry(em, entryId) };
  }

  /** Posts the mirror image of a manual entry, once, on an open date. */
  async reverse(
    { em }: RequestScope,
    viewer: Viewer,
    entryId: number,
    memo: string | null | undefined,
    date?: string | null,
  ): Promise<{ journalEntry: Row<JournalEntry> }> {
    const note = optionalText(memo, ['input', 'memo'], 1000);
    let reversalId: number;
    try {
      reversalId = await inTransaction(em, async (tx) => {
        const original = await tx.findOne(JournalEntry, { id: entryId });
        if (!original)
          throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such journal entry', [
            'input',
            'entryId',
          ]);
        if (original.source !== 'MANUAL') {
          throw new BusinessRuleError(
            UserErrorCode.INVALID_INPUT,
            `A ${original.source.toLowerCase()} entry is corrected through its document, not reversed by hand`,
            ['input', 'entryId'],
          );
        }
        if (await tx.count(JournalEntry, { reversalOfId: entryId })) {
          throw new BusinessRuleError(
            UserErrorCode.ALREADY_REVERSED,
            `Entry ${original.number} was already reversed`,
            ['input', 'entryId'],
          );
        }
        const postingDate = date ?? (today() > original.date ? today() : original.date);
        const posted = await this.postMirror(tx, original.id, {
          date: postingDate,
          memo: note ?? `Reversal of entry ${original.number}`,
          actorId: viewer.employeeId,
        });
        return posted.id;
      });
    } catch (error) {
      // Two reversals raced: the unique index on reversal_of_id lets one through.
      if (isUniqueViolation(error, 'journal_entry_reversal_unique')) {
        throw new BusinessRuleError(
          UserErrorCode.ALREADY_REVERSED,
          'The entry was already reversed',
          ['input', 'entryId'],
        );
      }
      throw error;
    }
    return { journalEntry: await this.postedEntry(em, reversalId) };
  }

  /**
   * Posts the mirror image of an entry in the caller's transaction (source `REVERSAL`): the
   * documents that posted an entry (a bank match) undo it this way. Each entry is reversed once
   * (a unique index).
   */
  async postMirror(
    tx: EntityManager,
    originalId: number,
    reversal: { date: string; memo: string; actorId: number | null },
  ): Promise<PostedEntry> {
    const lines = await tx.execute<
      {
        account_id: string;
        debit_minor: string;
        credit_minor: string;
        memo: string | null;
        customer_id: string | null;
        vendor_id: string | null;
      }[]
    >(
      'SELECT account_id, debit_minor, credit_minor, memo, customer_id, vendor_id FROM journal_line WHERE entry_id = ? ORDER BY line_no',
      [originalId],
    );
    return this.post(tx, {
      date: reversal.date,
      memo: reversal.memo,
      source: 'REVERSAL',
      reversalOfId: originalId,
      actorId: reversal.actorId,
      lines: lines.map((line) => ({
        accountId: Number(line.account_id),
        debitMinor: BigInt(line.credit_minor),
        creditMinor: BigInt(line.debit_minor),
        memo: line.memo,
        customerId: line.customer_id === null ? null : Number(line.customer_id),
        vendorId: line.vendor_id === null ? null : Number(line.vendor_id),
      })),
    });
  }

  async createAccount(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      code: string;
      name: string;
      type: AccountType;
      cashFlowSection?: CashFlowSection | null;
    },
  ): Promise<{ account: Account }> {
    const code = requiredText(input.code, ['input', 'code'], 20);
    if (!/^\d{3,10}$/.test(code))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'An account code is 3 to 10 digits',
        ['input', 'code'],
      );
    const name = requiredText(input.name, ['input', 'name'], 200);
    const cashFlowSection = input.cashFlowSection ?? null;
    if (cashFlowSection !== null) sectionAllowed(input.type, code, ['input', 'cashFlowSection']);
    const taken = () =>
      new BusinessRuleError(UserErrorCode.CODE_TAKEN, `Account ${code} already exists`, [
        'input',
        'code',
      ]);
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Account, { code })) throw taken();
        const account = tx.create(Account, {
          code,
          name,
          type: input.type,
          normalBalance: NORMAL_BALANCE[input.type],
          cashFlowSection,
        });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'Account',
          streamId: account.id,
          type: 'CREATED',
          payload: { code, name, type: input.type, cashFlowSection },
          actorId: viewer.employeeId,
        });
        return { account };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'account_code_unique')) throw taken();
      throw error;
    }
  }

  /** `setAccountCashFlowSection`: classifies an account for the cash flow statement. */
  async setCashFlowSection(
    { em }: RequestScope,
    viewer: Viewer,
    accountId: number,
    section: CashFlowSection,
  ): Promise<{ account: Account }> {
    return inTransaction(em, async (tx) => {
      await this.classify(tx, accountId, section, viewer.employeeId, ['input', 'accountId']);
      return { account: await tx.findOneOrFail(Account, { id: accountId }, { refresh: true }) };
    });
  }

  /**
   * Classifies an account for the cash flow statement inside the caller's transaction (banking
   * calls it when an account becomes a bank account's ledger account, with `CASH`). Refuses a
   * revenue or expense account (`INVALID_INPUT`) and an unknown one (`NOT_FOUND`); records a
   * CASH_FLOW_SECTION_SET event when the section changes, nothing when it already is the one.
   */
  async classifyForCashFlow(
    tx: EntityManager,
    accountId: number,
    section: CashFlowSection,
    actorId: number,
  ): Promise<void> {
    await this.classify(tx, accountId, section, actorId, ['input', 'ledgerAccountId']);
  }

  /**
   * Makes an account a bank's ledger account, in the caller's transaction: it must be an asset,
   * and it becomes a CASH account of the cash-flow statement.
   */
  async claimForBank(tx: EntityManager, accountId: number, actorId: number): Promise<void> {
    const field = ['input', 'ledgerAccountId'];
    const [account] = await runSql<{ code: string; type: AccountType }>(
      tx,
      'SELECT code, type FROM account WHERE id = ?',
      [accountId],
    );
    if (!account) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such account', field);
    if (account.type !== AccountType.ASSET)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `Account ${account.code} is ${account.type.toLowerCase()}; a bank account's ledger account is an asset`,
        field,
      );
    await this.classify(tx, accountId, CashFlowSection.CASH, actorId, field);
  }

  /** Refuses an account id that names no account (`NOT_FOUND` on `field`). */
  async requireAccount(em: EntityManager, accountId: number, field: string[]): Promise<void> {
    const [found] = await runSql<{ id: string }>(em, 'SELECT id FROM account WHERE id = ?', [
      accountId,
    ]);
    if (!found) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such account', field);
  }

  private async classify(
    tx: EntityManager,
    accountId: number,
    section: CashFlowSection,
    actorId: number | null,
    field: string[],
  ): Promise<void> {
    const [current] = await runSql<{ code: string; type: AccountType; section: string | null }>(
      tx,
      'SELECT code, type, cash_flow_section AS section FROM account WHERE id = ? FOR UPDATE',
      [accountId],
    );
    if (!current) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such account', field);
    sectionAllowed(current.type, current.code, field);
    if (current.section === section) return;
    await runSql(tx, 'UPDATE account SET cash_flow_section = ? WHERE id = ?', [section, accountId]);
    await recordEvent(tx, {
      streamType: 'Account',
      streamId: accountId,
      type: 'CASH_FLOW_SECTION_SET',
      payload: { code: current.code, section, previous: current.section },
      actorId,
    });
  }

  /** Closes the books through a date: nothing may be posted on or before it afterwards. */
  async closePeriod(
    { em }: RequestScope,
    viewer: Viewer,
    closedThrough: string,
  ): Promise<{ closedThrough: string }> {
    if (!isCalendarDate(closedThrough))
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', [
        'input',
        'closedThrough',
      ]);
    return inTransaction(em, async (tx) => {
      const [current] = await tx.execute<{ closed_through: string | null }[]>(
        "SELECT to_char(closed_through, 'YYYY-MM-DD') AS closed_through FROM ledger_settings WHERE id = 1 FOR UPDATE",
      );
      if (current?.closed_through && closedThrough < current.closed_through) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          `The books are already closed through ${current.closed_through}`,
          ['input', 'closedThrough'],
        );
      }
      await tx.nativeUpdate(LedgerSettings, { id: 1 }, { closedThrough });
      await recordEvent(tx, {
        streamType: 'Ledger',
        streamId: 1,
        type: 'PERIOD_CLOSED',
        payload: { closedThrough, previous: current?.closed_through ?? null },
        actorId: viewer.employeeId,
      });
      return { closedThrough };
    });
  }

  async closedThrough({ em }: RequestScope): Promise<string | null> {
    const [row] = await em.execute<{ closed_through: string | null }[]>(
      "SELECT to_char(closed_through, 'YYYY-MM-DD') AS closed_through FROM ledger_settings WHERE id = 1",
    );
    return row?.closed_through ?? null;
  }

  /** Takes the next number of a gapless series (invoices, bills) inside the caller's transaction. */
  async nextNumber(tx: EntityManager, series: 'invoice' | 'bill', prefix: string): Promise<string> {
    const counter = await tx.findOneOrFail(
      LedgerCounter,
      { name: series },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    counter.value += 1;
    await tx.flush();
    return `${prefix}-${String(counter.value).padStart(6, '0')}`;
  }
}
