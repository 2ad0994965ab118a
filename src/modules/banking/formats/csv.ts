/**
 * CSV exports read through a saved column mapping, with csv-parse.
 *
 * Amount rule: the decimal separator is the mapping's. The other one of '.' and ',' is accepted as
 * a thousands separator only where it cannot mean anything else: 1 to 3 leading digits, then groups
 * of exactly 3 ('1.234.567,89' with ','; '1,234.56' with '.'). Anything else with it ('1.23,45',
 * '12,5' when '.' is the decimal separator), spaces or currency signs is refused, naming the line,
 * the column and the value.
 */
import { formatMinorUnits } from '../../common/money';
import { CsvError, parse } from 'csv-parse/sync';
import { collapse, isoDate, normaliseAccount, toMinor } from './values';
import {
  type CsvMapping,
  type ParsedEntry,
  type ParsedStatementFile,
  StatementFileError,
} from './statement-types';

interface Row {
  cells: string[];
  line: number;
}

interface ColumnRef {
  label: string;
  index: number;
}

export function parseCsv(text: string, mapping: CsvMapping): ParsedStatementFile {
  checkMapping(mapping);
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new StatementFileError('The file is empty.', 'line 1');
  const rows = readRows(content, mapping.delimiter);
  let header: string[] | null = null;
  let data = rows;
  if (mapping.hasHeader) {
    header = rows[0].cells.map((cell) => cell.trim());
    data = rows.slice(1);
  }
  const column = (name: string | null, role: string): ColumnRef | null =>
    name === null ? null : resolveColumn(name, role, header);
  const columns = {
    date: column(mapping.dateColumn, 'date') as ColumnRef,
    amount: column(mapping.amountColumn, 'amount'),
    credit: column(mapping.creditColumn, 'credit'),
    debit: column(mapping.debitColumn, 'debit'),
    counterparty: column(mapping.counterpartyColumn, 'counterparty'),
    counterpartyAccount: column(mapping.counterpartyAccountColumn, 'counterparty account'),
    reference: column(mapping.referenceColumn, 'reference'),
    remittance: column(mapping.remittanceColumn, 'remittance'),
    id: column(mapping.idColumn, 'id'),
    balance: column(mapping.balanceColumn, 'balance'),
  };
  if (data.length === 0)
    throw new StatementFileError(
      'The file holds no statement lines.',
      `line ${(rows[0]?.line ?? 0) + 1}`,
    );

  const entries: ParsedEntry[] = [];
  const balances: (bigint | null)[] = [];
  for (const row of data) {
    const cell = (ref: ColumnRef | null): string | null =>
      ref === null ? null : collapse(row.cells[ref.index] ?? '');
    const date = readDate(cell(columns.date), columns.date, mapping.dateFormat, row.line);
    let amountMinor: bigint;
    if (columns.amount !== null) {
      const raw = cell(columns.amount);
      if (raw === null)
        throw cellError(row.line, columns.amount, '', 'is empty: the line has no amount');
      amountMinor = readAmount(raw, mapping.decimalSeparator, row.line, columns.amount);
    } else {
      amountMinor = creditMinusDebit(row.line, mapping.decimalSeparator, columns, cell);
    }
    const balanceText = cell(columns.balance);
    balances.push(
      columns.balance === null || balanceText === null
        ? null
        : readAmount(balanceText, mapping.decimalSeparator, row.line, columns.balance),
    );
    entries.push({
      bookingDate: date,
      valueDate: null,
      amountMinor,
      bankReference: cell(columns.id),
      reference: cell(columns.reference),
      counterpartyName: cell(columns.counterparty),
      counterpartyAccount: normaliseAccount(cell(columns.counterpartyAccount)),
      remittance: cell(columns.remittance),
      bankTransactionCode: null,
      location: `line ${row.line}`,
    });
  }

  const warnings: string[] = [];
  const { opening, closing } =
    columns.balance === null
      ? { opening: null, closing: null }
      : balancesFrom(entries, balances, warnings);
  const dates = entries.map((entry) => entry.bookingDate).sort();
  return {
    format: 'CSV',
    version: '',
    statements: [
      {
        statementId: null,
        accountIban: null,
        accountNumber: null,
        routingNumber: null,
        currency: mapping.currency,
        openingBalanceMinor: opening,
        closingBalanceMinor: closing,
        fromDate: dates[0] ?? null,
        toDate: dates.at(-1) ?? null,
        entries,
        warnings,
        location: 'CSV',
      },
    ],
    warnings: [],
  };
}

function checkMapping(mapping: CsvMapping): void {
  const fail = (message: string): never => {
    throw new StatementFileError(`The CSV mapping is not usable: ${message}`, 'mapping');
  };
  if (mapping.delimiter.length !== 1) fail('the delimiter must be one character.');
  if (!/^[A-Z]{3}$/.test(mapping.currency))
    fail(`"${mapping.currency}" is not an ISO 4217 currency code.`);
  const split = mapping.creditColumn !== null || mapping.debitColumn !== null;
  if (mapping.amountColumn !== null && split)
    fail('give either an amount column or credit/debit columns, not both.');
  if (mapping.amountColumn === null && !split)
    fail('give an amount column or credit/debit columns.');
}

function readRows(content: string, delimiter: string): Row[] {
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(content, {
      delimiter,
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      throw new StatementFileError(`line ${line}: ${error.message}`, `line ${line}`);
    }
    throw error;
  }
  return records.map(({ record, info, raw }) => ({
    cells: record,
    // info.lines is the record's last line; its raw text starts with any blank lines skipped
    // before it, and a quoted field may span several lines.
    line:
      info.lines -
      (raw
        .replace(/^(?:[ \t]*\r?\n)+/, '')
        .replace(/\r?\n$/, '')
        .match(/\n/g)?.length ?? 0),
  }));
}

function resolveColumn(name: string, role: string, header: string[] | null): ColumnRef {
  if (header === null) {
    const index = Number(name);
    if (!Number.isInteger(index) || index < 1)
      throw new StatementFileError(
        `The CSV mapping is not usable: the ${role} column "${name}" must be a column number (1, 2, …) when the file has no header.`,
        'mapping',
      );
    return { label: `column ${index}`, index: index - 1 };
  }
  let index = header.indexOf(name.trim());
  if (index < 0) index = header.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
  if (index < 0)
    throw new StatementFileError(
      `line 1: the ${role} column "${name}" is not in the header (${header.join(', ')}).`,
      'line 1',
    );
  return { label: `column "${header[index]}"`, index };
}

function cellError(
  line: number,
  column: ColumnRef,
  value: string,
  problem: string,
): StatementFileError {
  return new StatementFileError(
    `line ${line}: ${column.label}${value === '' ? '' : `: "${value}"`} ${problem}.`,
    `line ${line}`,
  );
}

const DATE_PATTERNS: Record<
  CsvMapping['dateFormat'],
  [RegExp, (m: RegExpExecArray) => string | null]
> = {
  'YYYY-MM-DD': [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, (m) => isoDate(m[1], m[2], m[3])],
  'DD.MM.YYYY': [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, (m) => isoDate(m[3], m[2], m[1])],
  'DD/MM/YYYY': [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => isoDate(m[3], m[2], m[1])],
  'MM/DD/YYYY': [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => isoDate(m[3], m[1], m[2])],
};

function readDate(
  value: string | null,
  column: ColumnRef,
  format: CsvMapping['dateFormat'],
  line: number,
): string {
  if (value === null) throw cellError(line, column, '', 'is empty: the line has no date');
  const [pattern, build] = DATE_PATTERNS[format];
  const match = pattern.exec(value);
  const date = match ? build(match) : null;
  if (date === null) throw cellError(line, column, value, `is not a date in the format ${format}`);
  return date;
}

/** A signed amount per the module's rule (see the top of this file). */
function readAmount(value: string, decimal: '.' | ',', line: number, column: ColumnRef): bigint {
  const thousands = decimal === '.' ? ',' : '.';
  const match = /^([+-])?(.*)$/.exec(value.trim()) as RegExpExecArray;
  let body = match[2];
  if (body.includes(thousands)) {
    const grouped = new RegExp(`^\\d{1,3}(?:\\${thousands}\\d{3})+(?:\\${decimal}\\d+)?$`);
    if (!grouped.test(body))
      throw cellError(
        line,
        column,
        value,
        `is not an amount: "${thousands}" is only accepted as a thousands separator ` +
          `(groups of three digits) when "${decimal}" is the decimal separator`,
      );
    body = body.split(thousands).join('');
  }
  const parts = body.split(decimal);
  if (
    parts.length > 2 ||
    !/^\d+$/.test(parts[0]) ||
    (parts.length === 2 && !/^\d+$/.test(parts[1]))
  )
    throw cellError(
      line,
      column,
      value,
      `is not an amount with "${decimal}" as the decimal separator`,
    );
  const plain = `${match[1] === '-' ? '-' : ''}${parts[0]}.${parts[1] ?? '0'}`;
  return toMinor(plain, value, `line ${line}: ${column.label}`);
}

/**
 * Credit and debit columns: money in is the credit, money out the debit. A debit may be written
 * with or without a minus sign (banks do both); a negative credit, or both on one line, is refused.
 */
function creditMinusDebit(
  line: number,
  decimal: '.' | ',',
  columns: { credit: ColumnRef | null; debit: ColumnRef | null },
  cell: (ref: ColumnRef | null) => string | null,
): bigint {
  const creditText = cell(columns.credit);
  const debitText = cell(columns.debit);
  const credit =
    creditText === null ? 0n : readAmount(creditText, decimal, line, columns.credit as ColumnRef);
  const debit =
    debitText === null ? 0n : readAmount(debitText, decimal, line, columns.debit as ColumnRef);
  if (credit < 0n)
    throw cellError(
      line,
      columns.credit as ColumnRef,
      creditText ?? '',
      'is negative: a credit is money in',
    );
  if (credit !== 0n && debit !== 0n)
    throw new StatementFileError(
      `line ${line}: both a credit (${creditText}) and a debit (${debitText}) are given; one line is one movement.`,
      `line ${line}`,
    );
  if (creditText === null && debitText === null)
    throw new StatementFileError(
      `line ${line}: neither the credit nor the debit column has an amount.`,
      `line ${line}`,
    );
  return credit - (debit < 0n ? -debit : debit);
}

/**
 * Opening and closing balances from a running-balance column. The file may list lines oldest
 * first or newest first: the order in which each balance follows from the previous one by the
 * line's amount is the one used. When neither fits, only the closing balance of the latest line
 * is taken and the statement gets a warning.
 */
function balancesFrom(
  entries: ParsedEntry[],
  balances: (bigint | null)[],
  warnings: string[],
): { opening: bigint | null; closing: bigint | null } {
  if (balances.some((balance) => balance === null)) {
    warnings.push(
      'Some lines have no balance; the opening and closing balances were not taken from the file.',
    );
    return { opening: null, closing: null };
  }
  const values = balances as bigint[];
  const last = values.length - 1;
  const oldestFirst = values.every(
    (b, i) => i === 0 || b === values[i - 1] + entries[i].amountMinor,
  );
  if (oldestFirst) return { opening: values[0] - entries[0].amountMinor, closing: values[last] };
  const newestFirst = values.every(
    (b, i) => i === 0 || values[i - 1] === b + entries[i - 1].amountMinor,
  );
  if (newestFirst) return { opening: values[last] - entries[last].amountMinor, closing: values[0] };
  const latest = entries[0].bookingDate <= entries[last].bookingDate ? last : 0;
  warnings.push(
    'The balance column does not follow from the amounts line by line; the opening balance is ' +
      `unknown and the closing balance ${formatMinorUnits(values[latest])} is taken from ${entries[latest].location}.`,
  );
  return { opening: null, closing: values[latest] };
}
