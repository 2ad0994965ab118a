/**
 * What the statement parsers return. The parsers are pure: text in, these values out, no database.
 * The banking module's import service builds bank statements and lines from them.
 */

export type StatementFileFormat = 'CAMT053' | 'OFX' | 'CSV';

/** One booked movement. Amounts are signed minor units (hundredths): money in > 0, money out < 0. */
export interface ParsedEntry {
  /** YYYY-MM-DD. */
  bookingDate: string;
  valueDate: string | null;
  /** Signed, in the statement currency. */
  amountMinor: bigint;
  /**
   * The bank's identity for the entry: CAMT AcctSvcrRef (of the TxDtls for a split batch, else of
   * the entry) or NtryRef; OFX FITID; CSV id column. A split batch detail without its own
   * AcctSvcrRef gets the entry's reference followed by `#` and the detail's position, so that
   * each detail keeps a distinct, stable identity across re-imports of the same file.
   */
  bankReference: string | null;
  /** Payer-given reference: CAMT Strd/CdtrRefInf/Ref, else EndToEndId unless NOTPROVIDED; OFX CHECKNUM/REFNUM; CSV reference column. */
  reference: string | null;
  /** CRDT: the debtor; DBIT: the creditor (CAMT RltdPties; v08 nests Pty); OFX NAME. */
  counterpartyName: string | null;
  /** IBAN (uppercase, no spaces) or another account id. */
  counterpartyAccount: string | null;
  /** Ustrd parts joined with ' ' (whitespace collapsed), else AddtlTxInf/AddtlNtryInf; OFX MEMO. */
  remittance: string | null;
  /** CAMT BkTxCd `Domn/Fmly/SubFmly` (e.g. PMNT/RCDT/ESCT) or Prtry/Cd; OFX TRNTYPE. */
  bankTransactionCode: string | null;
  /** Where it is in the file, for messages: 'Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]', 'STMTTRN[2]', 'line 14'. */
  location: string;
}

export interface ParsedStatement {
  /** CAMT Stmt/Id; OFX and CSV: null. */
  statementId: string | null;
  /** CAMT Acct/Id/IBAN. */
  accountIban: string | null;
  /** CAMT Acct/Id/Othr/Id; OFX ACCTID. */
  accountNumber: string | null;
  /** OFX BANKID. */
  routingNumber: string | null;
  /** ISO 4217. */
  currency: string;
  /** CAMT OPBD, else PRCD; OFX: null; CSV: derived from a mapped balance column, else null. */
  openingBalanceMinor: bigint | null;
  /** CAMT CLBD; OFX LEDGERBAL; CSV: from a mapped balance column, else null. */
  closingBalanceMinor: bigint | null;
  fromDate: string | null;
  toDate: string | null;
  entries: ParsedEntry[];
  /** Accepted oddities, in words a bookkeeper understands. */
  warnings: string[];
  /** 'Stmt[1]', 'STMTRS[1]', 'CCSTMTRS[1]', 'CSV'. */
  location: string;
}

export interface ParsedStatementFile {
  format: StatementFileFormat;
  /** CAMT '001.02' | '001.04' | '001.08'; OFX header VERSION ('102', '200', ...); CSV ''. */
  version: string;
  statements: ParsedStatement[];
  /** Oddities of the file as a whole (e.g. an OFX 2.x header over an SGML body). */
  warnings: string[];
}

/** The file cannot be read: `location` names the element or line ('BkToCstmrStmt/Stmt[1]/Bal[2]/Amt', 'line 7'). */
export class StatementFileError extends Error {
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(message);
    this.name = 'StatementFileError';
  }
}

/**
 * How a CSV export is read. Columns are header names when `hasHeader`, else 1-based column
 * numbers as strings. Either `amountColumn` (signed) or `creditColumn`/`debitColumn` is set.
 */
export interface CsvMapping {
  delimiter: string;
  hasHeader: boolean;
  dateColumn: string;
  dateFormat: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
  amountColumn: string | null;
  creditColumn: string | null;
  debitColumn: string | null;
  decimalSeparator: '.' | ',';
  counterpartyColumn: string | null;
  counterpartyAccountColumn: string | null;
  referenceColumn: string | null;
  remittanceColumn: string | null;
  idColumn: string | null;
  balanceColumn: string | null;
  currency: string;
}
