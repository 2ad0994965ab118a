import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import { BankAccount, BankStatement, BankStatementFile, CsvMappingRecord } from './bank.entity';
import {
  parseStatementFile,
  StatementFileError,
  type CsvMapping,
  type ParsedEntry,
  type ParsedStatement,
  type ParsedStatementFile,
  type StatementFileFormat,
} from './formats/statement-file';

export interface StatementImport {
  bankAccountId: number;
  format: StatementFileFormat;
  /** The file as text (CAMT and OFX are text formats; CSV is read as UTF-8). */
  content: string;
  csvMappingId?: number | null;
}

export interface StatementImportResult {
  /** The bank account's currency: every amount of the statements is in it. */
  currency: string;
  statements: BankStatement[];
  skippedDuplicates: number;
  warnings: string[];
}

/** Lines inserted per statement: bounded so a 100,000-line file never builds one huge statement. */
const INSERT_CHUNK = 5000;

const sum = (entries: readonly ParsedEntry[]) =>
  entries.reduce((total, entry) => total + entry.amountMinor, 0n);

/**
 * Each entry's identity within its bank account: the bank's own reference (CAMT AcctSvcrRef or
 * NtryRef, OFX FITID, a CSV id column), else a hash of what the entry says. A reference or content
 * that repeats within one file gets its occurrence number, so two identical coffees on one day are
 * two lines, and the same file imported again yields the same identities.
 */
export function entryIdentities(entries: readonly ParsedEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base =
      entry.bankReference !== null && entry.bankReference.trim() !== ''
        ? `ref:${entry.bankReference.trim()}`
        : `hash:${createHash('sha256')
            .update(
              JSON.stringify([
                entry.bookingDate,
                entry.valueDate,
                entry.amountMinor.toString(),
                entry.reference,
                entry.counterpartyName,
                entry.counterpartyAccount,
                entry.remittance,
                entry.bankTransactionCode,
              ]),
            )
            .digest('hex')}`;
    const occurrence = (seen.get(base) ?? 0) + 1;
    seen.set(base, occurrence);
    return occurrence === 1 ? base : `${base}#${occurrence}`;
  });
}

const field = (name: string) => ['input', name];

/**
 * Statement import: a file is read whole (or refused, naming the element or line), checked against
 * the bank account (its IBAN or number, its currency), deduplicated entry by entry, and written in
 * one transaction: each statement must open where the account's last statement closed.
 */
export class StatementImportService {
  async importStatement(
    { em }: RequestScope,
    viewer: Viewer,
    input: StatementImport,
  ): Promise<StatementImportResult> {
    const mapping = await this.csvMapping(em, input);
    let parsed: ParsedStatementFile;
    try {
      parsed = parseStatementFile(input.format, input.content, mapping ?? undefined);
    } catch (error) {
      if (error instanceof StatementFileError)
        throw new BusinessRuleError(
          UserErrorCode.MALFORMED_STATEMENT,
          `The ${input.format} file cannot be read at ${error.location}: ${error.message}`,
          field('content'),
        );
      throw error;
    }
    return inTransaction(em, async (tx) => {
      // One import per bank account at a time: each statement continues the previous one.
      const account = await tx.findOne(
        BankAccount,
        { id: input.bankAccountId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!account)
        throw new BusinessRuleError(
          UserErrorCode.NOT_FOUND,
          'No such bank account',
          field('bankAccountId'),
        );
      const file = tx.create(BankStatementFile, {
        bankAccountId: account.id,
        format: input.format,
        sha256: createHash('sha256').update(input.content).digest('hex'),
        content: Buffer.from(input.content, 'utf8'),
        importedById: viewer.employeeId,
      });
      await tx.flush();
      const result: StatementImportResult = {
        currency: account.currency,
        statements: [],
        skippedDuplicates: 0,
        warnings: [...parsed.warnings],
      };
      for (const statement of parsed.statements) {
        this.checkAccount(account, statement);
        const written = await this.writeStatement(tx, account, file, statement, viewer, result);
        if (written) result.statements.push(written);
      }
      if (result.statements.length === 0)
        result.warnings.push('Every entry of the file was imported before: nothing was added.');
      await recordEvent(tx, {
        streamType: 'BankAccount',
        streamId: account.id,
        type: 'STATEMENT_IMPORTED',
        payload: {
          fileId: file.id,
          format: input.format,
          statements: result.statements.map((s) => s.id),
          skippedDuplicates: result.skippedDuplicates,
        },
        actorId: viewer.employeeId,
      });
      return result;
    });
  }

  private async csvMapping(em: EntityManager, input: StatementImport): Promise<CsvMapping | null> {
    if (input.format !== 'CSV') return null;
    if (input.csvMappingId == null)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A CSV file needs a saved column mapping (csvMappingId)',
        field('csvMappingId'),
      );
    const record = await em.findOne(CsvMappingRecord, { id: input.csvMappingId });
    if (!record)
      throw new BusinessRuleError(
        UserErrorCode.NOT_FOUND,
        'No such CSV mapping',
        field('csvMappingId'),
      );
    return record.mapping as unknown as CsvMapping;
  }

  /** The file must be this account's: its IBAN or number, and its currency. */
  private checkAccount(account: BankAccount, statement: ParsedStatement): void {
    const where = `statement ${statement.statementId ?? statement.location}`;
    if (statement.accountIban && account.iban && statement.accountIban !== account.iban)
      throw new BusinessRuleError(
        UserErrorCode.ACCOUNT_MISMATCH,
        `The ${where} is for IBAN ${statement.accountIban}, not this account's ${account.iban}`,
        field('content'),
      );
    if (
      statement.accountNumber &&
      account.accountNumber &&
      statement.accountNumber !== account.accountNumber &&
      statement.accountNumber !== account.iban
    )
      throw new BusinessRuleError(
        UserErrorCode.ACCOUNT_MISMATCH,
        `The ${where} is for account ${statement.accountNumber}, not this account's ${account.accountNumber}`,
        field('content'),
      );
    if (statement.currency !== account.currency)
      throw new BusinessRuleError(
        UserErrorCode.CURRENCY_MISMATCH,
        `The ${where} is in ${statement.currency}; the bank account is in ${account.currency}`,
        field('content'),
      );
  }

  /**
   * Writes the new part of one statement of the file and moves the account's closing balance; null
   * when nothing of it is new. Refuses a statement that does not open where the last one closed.
   */
  private async writeStatement(
    tx: EntityManager,
    account: BankAccount,
    file: BankStatementFile,
    statement: ParsedStatement,
    viewer: Viewer,
    result: StatementImportResult,
  ): Promise<BankStatement | null> {
    const identities = entryIdentities(statement.entries);
    const known = new Set(
      (
        await runSql<{ identity: string }>(
          tx,
          'SELECT identity FROM bank_statement_line WHERE bank_account_id = ? AND identity = ANY(?::text[])',
          [account.id, identities],
        )
      ).map((row) => row.identity),
    );
    const fresh = statement.entries
      .map((entry, index) => ({ entry, identity: identities[index] }))
      .filter(({ identity }) => !known.has(identity));
    result.skippedDuplicates += statement.entries.length - fresh.length;
    const knownStatement =
      statement.statementId !== null &&
      (await tx.count(BankStatement, {
        bankAccountId: account.id,
        externalId: statement.statementId,
      })) > 0;
    if (fresh.length === 0 && (statement.entries.length > 0 || knownStatement)) return null;
    if (knownStatement)
      throw new BusinessRuleError(
        UserErrorCode.STATEMENT_GAP,
        `Statement ${statement.statementId} was imported before with other entries; its new entries ${fresh
          .map(({ entry }) => entry.location)
          .join(', ')} cannot be added to it`,
        field('content'),
      );

    const freshTotal = sum(fresh.map(({ entry }) => entry));
    const opening = this.openingBalance(account, statement, freshTotal, fresh.length);
    const closing = statement.closingBalanceMinor ?? opening + freshTotal;
    if (account.closingBalanceMinor !== null && opening !== account.closingBalanceMinor)
      throw new BusinessRuleError(
        UserErrorCode.STATEMENT_GAP,
        `Statement ${statement.statementId ?? statement.location} opens at ${formatMinorUnits(opening)} ${account.currency}, but the previous statement closed at ${formatMinorUnits(account.closingBalanceMinor)}: a difference of ${formatMinorUnits(opening - account.closingBalanceMinor)}. Import the missing statement first.`,
        field('content'),
      );
    const warnings = [...statement.warnings];
    if (fresh.length < statement.entries.length)
      warnings.push(
        `${statement.entries.length - fresh.length} of its ${statement.entries.length} entries were imported before and were skipped.`,
      );
    const dates = fresh.map(({ entry }) => entry.bookingDate).sort();
    const written = tx.create(BankStatement, {
      bankAccountId: account.id,
      fileId: file.id,
      externalId: statement.statementId,
      format: file.format,
      openingBalanceMinor: opening,
      closingBalanceMinor: closing,
      fromDate: statement.fromDate ?? dates[0] ?? null,
      toDate: statement.toDate ?? dates[dates.length - 1] ?? null,
      lineCount: fresh.length,
      linesTotalMinor: freshTotal,
      warnings,
      importedById: viewer.employeeId,
    });
    await tx.flush();
    for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
      const chunk = fresh.slice(start, start + INSERT_CHUNK);
      const column = <T>(pick: (item: (typeof fresh)[number]) => T) => chunk.map(pick);
      await runSql(
        tx,
        `INSERT INTO bank_statement_line
           (statement_id, bank_account_id, line_no, identity, booking_date, value_date, amount_minor,
            bank_reference, reference, counterparty_name, counterparty_account, remittance,
            bank_transaction_code, status, matched_minor)
         SELECT ?, ?, n + ?, identity, booking_date, value_date, amount_minor, bank_reference,
                reference, counterparty_name, counterparty_account, remittance, bank_transaction_code,
                'UNMATCHED', 0
           FROM unnest(?::text[], ?::date[], ?::date[], ?::bigint[], ?::text[], ?::text[], ?::text[],
                       ?::text[], ?::text[], ?::text[])
                WITH ORDINALITY AS t(identity, booking_date, value_date, amount_minor, bank_reference,
                       reference, counterparty_name, counterparty_account, remittance,
                       bank_transaction_code, n)`,
        [
          written.id,
          account.id,
          start,
          column((item) => item.identity),
          column((item) => item.entry.bookingDate),
          column((item) => item.entry.valueDate),
          column((item) => item.entry.amountMinor.toString()),
          column((item) => item.entry.bankReference),
          column((item) => item.entry.reference),
          column((item) => item.entry.counterpartyName),
          column((item) => item.entry.counterpartyAccount),
          column((item) => item.entry.remittance),
          column((item) => item.entry.bankTransactionCode),
        ],
      );
    }
    account.closingBalanceMinor = closing;
    if (written.toDate && (!account.closingDate || written.toDate > account.closingDate))
      account.closingDate = written.toDate;
    await tx.flush();
    result.warnings.push(
      ...warnings.map(
        (warning) => `Statement ${statement.statementId ?? statement.location}: ${warning}`,
      ),
    );
    return written;
  }

  /**
   * Where the new part of a statement opens. A file that states its opening balance and brings only
   * new entries opens there. When some entries were imported before (an overlapping download), the
   * new part opens at the closing balance less the new entries. A file without balances (CSV)
   * continues from the account's last closing balance (zero for the first statement).
   */
  private openingBalance(
    account: BankAccount,
    statement: ParsedStatement,
    freshTotal: bigint,
    freshCount: number,
  ): bigint {
    if (statement.openingBalanceMinor !== null && freshCount === statement.entries.length)
      return statement.openingBalanceMinor;
    if (statement.closingBalanceMinor !== null) return statement.closingBalanceMinor - freshTotal;
    return account.closingBalanceMinor ?? 0n;
  }
}
