/** One PPD credit: a payslip's net pay to a US checking or savings account. */
export interface AchCredit {
  /** 22 (checking) or 32 (savings). */
  transactionCode: '22' | '32';
  /** The receiving bank's nine-digit routing number (check digit included). */
  routingNumber: string;
  accountNumber: string;
  /** Positive minor units (cents), at most 99,999,999.99. */
  amountMinor: bigint;
  /** The employee's number at the company (15 characters at most). */
  individualId: string;
  individualName: string;
}

export interface AchFile {
  /** The paying bank's routing number: the immediate destination and the ODFI. */
  bankRoutingNumber: string;
  bankName: string;
  /** The ACH company identification (10 characters): the immediate origin and the company ID. */
  companyId: string;
  companyName: string;
  /** A–Z or 0–9, distinct for files sent the same day. */
  fileIdModifier: string;
  createdAt: Date;
  /** The effective entry date (`YYYY-MM-DD`). */
  effectiveDate: string;
  credits: readonly AchCredit[];
}

/** Every record of a NACHA file is this long. */
export const RECORD_LENGTH = 94;
/** Records come in blocks of ten; the last block is filled with records of nines. */
export const BLOCKING_FACTOR = 10;
const MAX_ENTRY_MINOR = 10n ** 10n - 1n;

/** Upper case, printable ASCII only, cut or padded with spaces to `width` (alphanumeric fields). */
function alpha(value: string, width: number): string {
  const ascii = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .toUpperCase();
  return ascii.slice(0, width).padEnd(width, ' ');
}

/** Zero-padded on the left to `width` (numeric fields); refuses what does not fit. */
function numeric(value: bigint | number | string, width: number): string {
  const digits = String(value);
  if (!/^\d+$/.test(digits) || digits.length > width)
    throw new Error(`${digits} does not fit a ${width}-digit field`);
  return digits.padStart(width, '0');
}

/** `YYYY-MM-DD` → `YYMMDD`. */
function yymmdd(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

function record(fields: string[]): string {
  const line = fields.join('');
  if (line.length !== RECORD_LENGTH) throw new Error(`A NACHA record of ${line.length} characters`);
  return line;
}

/** The entry hash: the sum of the receiving banks' 8-digit routing numbers, its last 10 digits. */
export function entryHash(routingNumbers: readonly string[]): string {
  const sum = routingNumbers.reduce((total, routing) => total + BigInt(routing.slice(0, 8)), 0n);
  return numeric(sum % 10n ** 10n, 10);
}

/**
 * Writes a NACHA file with one PPD batch of credits (service class 220, entry description
 * PAYROLL): file header, batch header, one entry detail per credit with ascending trace numbers
 * (the ODFI's 8 digits and a sequence), batch and file control with counts, entry hash and totals,
 * every record 94 characters, filled to a multiple of ten records with records of nines.
 */
export function writeNacha(file: AchFile): string {
  if (file.credits.length === 0) throw new Error('A NACHA file needs an entry');
  if (!/^[A-Z0-9]$/.test(file.fileIdModifier)) throw new Error('A file ID modifier is A-Z or 0-9');
  const odfi = file.bankRoutingNumber.slice(0, 8);
  const created = file.createdAt.toISOString();
  const createdDate = yymmdd(created.slice(0, 10));
  const createdTime = created.slice(11, 13) + created.slice(14, 16);
  const batchNumber = numeric(1, 7);
  const records: string[] = [];
  records.push(
    record([
      '1',
      '01',
      ` ${numeric(file.bankRoutingNumber, 9)}`,
      alpha(file.companyId, 10),
      createdDate,
      createdTime,
      file.fileIdModifier,
      '094',
      '10',
      '1',
      alpha(file.bankName, 23),
      alpha(file.companyName, 23),
      alpha('', 8),
    ]),
  );
  records.push(
    record([
      '5',
      '220',
      alpha(file.companyName, 16),
      alpha('', 20),
      alpha(file.companyId, 10),
      'PPD',
      alpha('PAYROLL', 10),
      createdDate,
      yymmdd(file.effectiveDate),
      alpha('', 3),
      '1',
      odfi,
      batchNumber,
    ]),
  );
  let creditMinor = 0n;
  file.credits.forEach((credit, index) => {
    if (credit.amountMinor <= 0n || credit.amountMinor > MAX_ENTRY_MINOR)
      throw new Error('An ACH entry is between 0.01 and 99,999,999.99');
    creditMinor += credit.amountMinor;
    records.push(
      record([
        '6',
        credit.transactionCode,
        numeric(credit.routingNumber, 9),
        alpha(credit.accountNumber, 17),
        numeric(credit.amountMinor, 10),
        alpha(credit.individualId, 15),
        alpha(credit.individualName, 22),
        alpha('', 2),
        '0',
        traceNumber(file.bankRoutingNumber, index + 1),
      ]),
    );
  });
  const entries = file.credits.length;
  const hash = entryHash(file.credits.map((credit) => credit.routingNumber));
  records.push(
    record([
      '8',
      '220',
      numeric(entries, 6),
      hash,
      numeric(0, 12),
      numeric(creditMinor, 12),
      alpha(file.companyId, 10),
      alpha('', 19),
      alpha('', 6),
      odfi,
      batchNumber,
    ]),
  );
  const withControl = records.length + 1;
  const blocks = Math.ceil(withControl / BLOCKING_FACTOR);
  records.push(
    record([
      '9',
      numeric(1, 6),
      numeric(blocks, 6),
      numeric(entries, 8),
      hash,
      numeric(0, 12),
      numeric(creditMinor, 12),
      alpha('', 39),
    ]),
  );
  while (records.length % BLOCKING_FACTOR !== 0) records.push('9'.repeat(RECORD_LENGTH));
  return `${records.join('\n')}\n`;
}

/** The trace number of the n-th entry (1-based) of a file paid through this bank. */
export function traceNumber(bankRoutingNumber: string, sequence: number): string {
  return bankRoutingNumber.slice(0, 8) + numeric(sequence, 7);
}
