/**
 * The statement file parsers (src/modules/banking/formats/): pure unit tests on fixtures written
 * for them by the published schemas (test/fixtures/bank/; the CAMT ones validate against the
 * camt.053 XSDs, see the comment at the top of each). Every parsed value is checked exactly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type CsvMapping,
  type ParsedEntry,
  type ParsedStatementFile,
  StatementFileError,
  parseCamt053,
  parseCsv,
  parseOfx,
  parseStatementFile,
} from '../src/modules/banking/formats/statement-file';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, 'fixtures', 'bank', name), 'utf8');

/** The error a parse throws (fails the test when it throws none or another kind). */
function refusal(parse: () => ParsedStatementFile): StatementFileError {
  try {
    parse();
  } catch (error) {
    if (error instanceof StatementFileError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the fixture`);
  return index + 1;
}

const entry = (overrides: Partial<ParsedEntry>): ParsedEntry => ({
  bookingDate: '',
  valueDate: null,
  amountMinor: 0n,
  bankReference: null,
  reference: null,
  counterpartyName: null,
  counterpartyAccount: null,
  remittance: null,
  bankTransactionCode: null,
  location: '',
  ...overrides,
});

describe('CAMT.053', () => {
  test('001.02: two statements, a batch split per payer, a debit, Strd and Ustrd, a reversal', () => {
    const file = parseCamt053(fixture('camt053-v02-two-statements.xml'));
    expect(file.format).toBe('CAMT053');
    expect(file.version).toBe('001.02');
    expect(file.warnings).toEqual([]);
    expect(file.statements).toHaveLength(2);
    const [first, second] = file.statements;
    expect({ ...first, entries: [] }).toEqual({
      statementId: 'BD-STMT-2026-03-01',
      accountIban: 'DE89370400440532013000',
      accountNumber: null,
      routingNumber: null,
      currency: 'EUR',
      openingBalanceMinor: 100000n,
      closingBalanceMinor: 123556n,
      fromDate: '2026-03-01',
      toDate: '2026-03-01',
      entries: [],
      warnings: [
        'Stmt[1]/Ntry[3]: the bank marks this entry as a reversal (RvslInd); it is imported as ' +
          'the credit of 30.00 the bank booked.',
      ],
      location: 'Stmt[1]',
    });
    expect(first.entries).toEqual([
      entry({
        bookingDate: '2026-03-01',
        valueDate: '2026-03-02',
        amountMinor: 10000n,
        bankReference: 'TX-0001-1',
        reference: 'RF18539007547034',
        counterpartyName: 'Harbor Foods Ltd',
        counterpartyAccount: 'GB29NWBK60161331926819',
        bankTransactionCode: 'PMNT/RCDT/ESCT',
        location: 'Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]',
      }),
      entry({
        bookingDate: '2026-03-01',
        valueDate: '2026-03-02',
        amountMinor: 15000n,
        // No AcctSvcrRef of its own: the entry's, with the detail's position.
        bankReference: 'BATCH-0001#2',
        // EndToEndId NOTPROVIDED is no reference.
        reference: null,
        counterpartyName: 'Nordlicht GmbH',
        counterpartyAccount: '0532013000',
        remittance: 'Invoice INV-1002 and INV-1003 thank you',
        bankTransactionCode: 'PMNT/RCDT/ESCT',
        location: 'Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]',
      }),
      entry({
        bookingDate: '2026-03-01',
        valueDate: '2026-03-01',
        amountMinor: -4544n,
        bankReference: 'DD-0002',
        reference: 'MANDATE-77-2026-03',
        // A debit's counterparty is the creditor, not the debtor.
        counterpartyName: 'City Power AG',
        counterpartyAccount: 'DE02120300000000202051',
        remittance: 'Electricity February 2026',
        bankTransactionCode: 'PMNT/RDDT/ESDD',
        location: 'Stmt[1]/Ntry[2]',
      }),
      entry({
        bookingDate: '2026-03-01',
        amountMinor: 3000n,
        bankReference: 'NREF-0003',
        remittance: 'Returned direct debit MANDATE-12',
        bankTransactionCode: 'RETURN',
        location: 'Stmt[1]/Ntry[3]',
      }),
      entry({
        bookingDate: '2026-03-01',
        // Written "01.00".
        amountMinor: 100n,
        bankReference: 'INT-0004',
        remittance: 'Interest',
        bankTransactionCode: 'ACMT/MCOP/INTR',
        location: 'Stmt[1]/Ntry[4]',
      }),
    ]);

    // PRCD is the opening balance when there is no OPBD; the batch whose details do not add up
    // stays one line; the statement does not add up and says by how much.
    expect(second.openingBalanceMinor).toBe(123556n);
    expect(second.closingBalanceMinor).toBe(120000n);
    expect(second.fromDate).toBe('2026-03-02');
    expect(second.toDate).toBe('2026-03-02');
    expect(second.location).toBe('Stmt[2]');
    expect(second.entries).toEqual([
      entry({
        bookingDate: '2026-03-02',
        amountMinor: -3000n,
        bankReference: 'BATCH-0005',
        remittance: 'Supplier batch 2026-03-02',
        bankTransactionCode: 'PMNT/ICDT/ESCT',
        location: 'Stmt[2]/Ntry[1]',
      }),
    ]);
    expect(second.warnings).toEqual([
      "Stmt[2]/Ntry[1]: the 2 transaction details add up to -25.00, not to the entry's -30.00; " +
        'the entry is imported as one line.',
      'The entries do not add up to the closing balance: opening balance 1235.56 plus the ' +
        "entries (-30.00) gives 1205.56, but the bank's closing balance is 1200.00 " +
        '(difference -5.56).',
    ]);
  });

  test('001.08: Pty nesting, DtTm booking date, a foreign-currency entry, a mixed-sign batch', () => {
    const file = parseCamt053(fixture('camt053-v08.xml'));
    expect(file.version).toBe('001.08');
    const [statement] = file.statements;
    expect(statement.currency).toBe('CHF');
    expect(statement.accountIban).toBe('CH9300762011623852957');
    // OPBD is DBIT: negative.
    expect(statement.openingBalanceMinor).toBe(-5000n);
    expect(statement.closingBalanceMinor).toBe(137180n);
    expect(statement.fromDate).toBe('2026-03-31');
    expect(statement.warnings).toEqual([
      'Stmt[1]/Ntry[2]: the entry is written as EUR 20.97; the counter-value amount of ' +
        'CHF 19.70 given in the file is imported.',
    ]);
    expect(statement.entries).toEqual([
      entry({
        bookingDate: '2026-03-31',
        valueDate: '2026-03-31',
        amountMinor: 150000n,
        // A single TxDtls: the entry's own reference identifies it.
        bankReference: 'UBS-0001',
        reference: '210000000003139471430009017',
        counterpartyName: 'Alpenblick AG',
        counterpartyAccount: 'CH5604835012345678009',
        bankTransactionCode: 'PMNT/RCDT/AUTT',
        location: 'Stmt[1]/Ntry[1]',
      }),
      entry({
        bookingDate: '2026-03-31',
        amountMinor: -1970n,
        bankReference: 'UBS-0002',
        counterpartyName: 'Paris Parcels SARL',
        counterpartyAccount: 'FR1420041010050500013M02606',
        remittance: 'Shipping March',
        bankTransactionCode: 'PMNT/ICDT/AUTT',
        location: 'Stmt[1]/Ntry[2]',
      }),
      entry({
        bookingDate: '2026-03-31',
        amountMinor: -4000n,
        // Every detail repeats the entry's AcctSvcrRef: each gets its position.
        bankReference: 'UBS-0003#1',
        counterpartyName: 'Office Supplies SA',
        bankTransactionCode: 'PMNT/ICDT/ESCT',
        location: 'Stmt[1]/Ntry[3]/NtryDtls/TxDtls[1]',
      }),
      entry({
        bookingDate: '2026-03-31',
        amountMinor: -2500n,
        bankReference: 'UBS-0003#2',
        counterpartyName: 'Print Shop GmbH',
        bankTransactionCode: 'PMNT/ICDT/ESCT',
        location: 'Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]',
      }),
      entry({
        bookingDate: '2026-03-31',
        amountMinor: 650n,
        bankReference: 'UBS-0003#3',
        counterpartyName: 'Print Shop GmbH',
        remittance: 'Credit note CN-17',
        bankTransactionCode: 'PMNT/ICDT/ESCT',
        location: 'Stmt[1]/Ntry[3]/NtryDtls/TxDtls[3]',
      }),
    ]);
  });

  test('a single detail without an entry AcctSvcrRef is identified by its own', () => {
    const text = fixture('camt053-v08.xml').replace('<AcctSvcrRef>UBS-0001</AcctSvcrRef>', '');
    expect(parseCamt053(text).statements[0].entries[0].bankReference).toBe('UBS-0001-TX');
  });

  test('001.04: currency from the balances, TxDtls/Amt, no booking date, a pending entry', () => {
    const file = parseCamt053(fixture('camt053-v04.xml'));
    expect(file.version).toBe('001.04');
    const [statement] = file.statements;
    expect(statement.currency).toBe('CHF');
    expect(statement.accountIban).toBeNull();
    expect(statement.accountNumber).toBe('25-9034-2');
    expect(statement.fromDate).toBe('2026-04-30');
    expect(statement.toDate).toBe('2026-04-30');
    expect(statement.entries).toEqual([
      entry({
        bookingDate: '2026-04-30',
        valueDate: '2026-04-30',
        amountMinor: 6000n,
        bankReference: 'PF-0001-A',
        reference: '000000000002016030002820804',
        counterpartyName: 'Muster AG',
        bankTransactionCode: 'PMNT/RCDT/VCOM',
        location: 'Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]',
      }),
      entry({
        bookingDate: '2026-04-30',
        valueDate: '2026-04-30',
        amountMinor: 5000n,
        bankReference: 'PF-0001-B',
        counterpartyName: 'Beispiel GmbH',
        remittance: 'MUSTER MITTEILUNG',
        bankTransactionCode: 'PMNT/RCDT/VCOM',
        location: 'Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]',
      }),
    ]);
    expect(statement.warnings).toEqual([
      'Stmt[1]/Ntry[1]: the entry has no booking date; its value date 2026-04-30 is used.',
      'Stmt[1]/Ntry[2]: the entry has status PDNG, not booked (BOOK); it was not imported.',
    ]);
  });

  test('remittance text over 140 characters after collapsing whitespace is kept, with a warning', () => {
    const long = 'X'.repeat(150);
    const text = fixture('camt053-v04.xml').replace('MUSTER MITTEILUNG', `MUSTER\n      ${long}`);
    const [statement] = parseCamt053(text).statements;
    expect(statement.entries[1].remittance).toBe(`MUSTER ${long}`);
    expect(statement.warnings).toContain(
      'Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]: the remittance text is 157 characters long, more ' +
        'than the 140 the format allows; it is kept whole.',
    );
    // Whitespace alone does not make it too long: no warning.
    const padded = fixture('camt053-v04.xml').replace(
      'MUSTER MITTEILUNG',
      `MUSTER${' '.repeat(150)}\n\tMITTEILUNG`,
    );
    const [quiet] = parseCamt053(padded).statements;
    expect(quiet.entries[1].remittance).toBe('MUSTER MITTEILUNG');
    expect(quiet.warnings.some((w) => w.includes('remittance'))).toBe(false);
  });

  test('malformed XML is refused naming the line', () => {
    const text = fixture('camt053-broken-xml.xml');
    const error = refusal(() => parseCamt053(text));
    const line = lineOf(text, '</Amnt>');
    expect(error.location).toBe(`line ${line}`);
    expect(error.message).toMatch(
      new RegExp(`^line ${line}, column \\d+: the file is not well-formed XML`),
    );
    expect(error.message).toContain("closing tag 'Amnt'");
  });

  test('a balance without an amount is refused naming the element path', () => {
    const error = refusal(() => parseCamt053(fixture('camt053-missing-balance-amount.xml')));
    expect(error.location).toBe('BkToCstmrStmt/Stmt[1]/Bal[2]/Amt');
    expect(error.message).toBe('BkToCstmrStmt/Stmt[1]/Bal[2]/Amt: the amount is missing.');
  });

  test('refusals name the element: other versions, more than 2 decimals, foreign currencies', () => {
    const v02 = fixture('camt053-v02-two-statements.xml');
    const camt052 = refusal(() =>
      parseCamt053(v02.replace('camt.053.001.02">', 'camt.052.001.02">')),
    );
    expect(camt052.location).toBe('Document/@xmlns');
    expect(camt052.message).toContain('"urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"');
    const v09 = refusal(() => parseCamt053(v02.replace('camt.053.001.02">', 'camt.053.001.09">')));
    expect(v09.message).toContain('camt.053.001.09');
    expect(refusal(() => parseCamt053('<Statement/>')).message).toContain('<Statement>');

    const decimals = refusal(() => parseCamt053(v02.replace('>45.44<', '>45.445<')));
    expect(decimals.location).toBe('BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt');
    expect(decimals.message).toContain('"45.445" has more than 2 decimals');
    // Extra zeros are not extra precision.
    const zeros = parseCamt053(v02.replace('>45.44<', '>45.4400<'));
    expect(zeros.statements[0].entries[2].amountMinor).toBe(-4544n);

    // A balance in another currency than the account.
    const balance = refusal(() =>
      parseCamt053(v02.replace('<Amt Ccy="EUR">1235.56</Amt>', '<Amt Ccy="SEK">1235.56</Amt>')),
    );
    expect(balance.location).toBe('BkToCstmrStmt/Stmt[1]/Bal[2]/Amt');
    expect(balance.message).toContain('the CLBD balance is in SEK, but the account is in EUR');

    // An entry in another currency with no amount in the account's currency.
    const v08 = fixture('camt053-v08.xml').replace(
      '<Amt Ccy="CHF">19.70</Amt>',
      '<Amt Ccy="USD">21.00</Amt>',
    );
    const entry = refusal(() => parseCamt053(v08));
    expect(entry.location).toBe('BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt');
    expect(entry.message).toContain('the entry is in EUR but the account is in CHF');

    // No statement, an empty file, a missing indicator.
    const none = v02.replace(/<Stmt>[\s\S]*<\/Stmt>/, '');
    expect(refusal(() => parseCamt053(none)).location).toBe('BkToCstmrStmt/Stmt');
    expect(refusal(() => parseCamt053('  \n')).message).toBe('The file is empty.');
    const indicator = refusal(() =>
      parseCamt053(v02.replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>D</CdtDbtInd>')),
    );
    expect(indicator.location).toBe('BkToCstmrStmt/Stmt[1]/Ntry[2]/CdtDbtInd');
  });
});

describe('OFX', () => {
  test('1.02 SGML checking statement (CRLF, unclosed leaves, a bare &, an empty leaf)', () => {
    const file = parseOfx(fixture('ofx102-sgml-checking.ofx'));
    expect(file.format).toBe('OFX');
    expect(file.version).toBe('102');
    expect(file.warnings).toEqual([]);
    expect(file.statements).toHaveLength(1);
    const [statement] = file.statements;
    expect({ ...statement, entries: [] }).toEqual({
      statementId: null,
      accountIban: null,
      accountNumber: '4417-0093',
      routingNumber: '121000248',
      currency: 'USD',
      openingBalanceMinor: null,
      closingBalanceMinor: 492725n,
      fromDate: '2026-03-01',
      toDate: '2026-03-31',
      entries: [],
      warnings: [],
      location: 'STMTRS[1]',
    });
    expect(statement.entries).toEqual([
      entry({
        bookingDate: '2026-03-02',
        valueDate: '2026-03-03',
        amountMinor: 125000n,
        bankReference: '20260302-0001',
        counterpartyName: 'HARBOR FOODS & CO',
        remittance: 'INV-1001 payment',
        bankTransactionCode: 'CREDIT',
        location: 'STMTTRN[1]',
      }),
      entry({
        bookingDate: '2026-03-10',
        amountMinor: -31025n,
        bankReference: '20260310-0002',
        reference: '1042',
        counterpartyName: 'LANDLORD LLC',
        bankTransactionCode: 'CHECK',
        location: 'STMTTRN[2]',
      }),
      entry({
        bookingDate: '2026-03-31',
        amountMinor: -1250n,
        bankReference: '20260331-0003',
        counterpartyName: 'MONTHLY SERVICE FEE',
        bankTransactionCode: 'FEE',
        location: 'STMTTRN[3]',
      }),
    ]);
  });

  test('2.x XML savings statement (PAYEE, BANKACCTTO, a comma decimal point)', () => {
    const file = parseOfx(fixture('ofx200-xml-savings.ofx'));
    expect(file.version).toBe('211');
    expect(file.warnings).toEqual([]);
    const [statement] = file.statements;
    expect(statement.accountNumber).toBe('098-121');
    expect(statement.routingNumber).toBe('987654321');
    expect(statement.openingBalanceMinor).toBeNull();
    expect(statement.closingBalanceMinor).toBe(575321n);
    expect(statement.entries).toEqual([
      entry({
        bookingDate: '2026-04-15',
        amountMinor: 50000n,
        bankReference: '980415001',
        reference: 'T-77',
        counterpartyName: 'Acme Checking',
        counterpartyAccount: '098-120',
        remittance: 'Transfer from checking',
        bankTransactionCode: 'XFER',
        location: 'STMTTRN[1]',
      }),
      entry({
        bookingDate: '2026-04-30',
        amountMinor: 321n,
        bankReference: '980430001',
        counterpartyName: 'INTEREST',
        bankTransactionCode: 'INT',
        location: 'STMTTRN[2]',
      }),
    ]);
  });

  test('a 2.x header over an SGML body is read as SGML with a warning (credit card)', () => {
    const file = parseStatementFile('OFX', fixture('ofx203-header-sgml-body-creditcard.ofx'));
    expect(file.version).toBe('203');
    expect(file.warnings).toEqual([
      'The file announces OFX 203 (XML) but its body is OFX 1.x SGML with unclosed tags; it ' +
        'was read as SGML.',
    ]);
    const [statement] = file.statements;
    expect(statement.location).toBe('CCSTMTRS[1]');
    expect(statement.currency).toBe('AUD');
    expect(statement.accountNumber).toBe('4000123412341234');
    expect(statement.routingNumber).toBeNull();
    expect(statement.closingBalanceMinor).toBe(-12345n);
    expect(statement.fromDate).toBe('2026-04-11');
    expect(statement.toDate).toBe('2026-05-09');
    expect(
      statement.entries.map((e) => [e.bookingDate, e.amountMinor, e.bankReference, e.remittance]),
    ).toEqual([
      ['2026-05-08', -550n, '202605080001', 'COFFEE CART SYDNEY'],
      ['2026-05-09', 10000n, '202605090001', 'PAYMENT THANK YOU'],
    ]);
  });

  test('malformed OFX is refused naming the file line; bad values name the element', () => {
    const text = fixture('ofx102-sgml-unclosed-aggregate.ofx');
    const error = refusal(() => parseOfx(text));
    const line = lineOf(text, '</BANKTRANLIST>');
    expect(error.location).toBe(`line ${line}`);
    expect(error.message).toMatch(
      new RegExp(`^line ${line}, column \\d+: the file is not well-formed XML`),
    );

    // A 2.x XML file that is broken is not rescued by the SGML reading.
    const xml = fixture('ofx200-xml-savings.ofx');
    const broken = xml.replace('</BANKTRANLIST>', '');
    const xmlError = refusal(() => parseOfx(broken));
    expect(xmlError.message).toMatch(/^line \d+, column \d+: the file is not well-formed XML/);

    const amount = refusal(() =>
      parseOfx(xml.replace('<TRNAMT>+500.00</TRNAMT>', '<TRNAMT>5OO</TRNAMT>')),
    );
    expect(amount.location).toBe(
      'OFX/BANKMSGSRSV1/STMTTRNRS[1]/STMTRS/BANKTRANLIST/STMTTRN[1]/TRNAMT',
    );
    const date = refusal(() => parseOfx(xml.replace('<DTPOSTED>20260415', '<DTPOSTED>20261315')));
    expect(date.message).toContain('"20261315" is not a date');
    // An amount in another currency, with only a rate: refused, not rounded by us.
    const foreign = refusal(() =>
      parseOfx(
        xml.replace(
          '<NAME>INTEREST</NAME>',
          '<NAME>INTEREST</NAME><CURRENCY><CURRATE>1.08</CURRATE><CURSYM>EUR</CURSYM></CURRENCY>',
        ),
      ),
    );
    expect(foreign.location).toBe(
      'OFX/BANKMSGSRSV1/STMTTRNRS[1]/STMTRS/BANKTRANLIST/STMTTRN[2]/CURRENCY',
    );
    expect(foreign.message).toContain('the amount is in EUR, the statement is in USD');
    // A response without a statement, with the bank's error status.
    const closed = xml
      .replace(/<STMTRS>[\s\S]*<\/STMTRS>/, '')
      .replace(
        '<TRNUID>2001</TRNUID>\n      <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY>',
        '<TRNUID>2001</TRNUID>\n      <STATUS><CODE>2000</CODE><SEVERITY>ERROR</SEVERITY>' +
          '<MESSAGE>Account closed</MESSAGE>',
      );
    expect(closed).toContain('<CODE>2000</CODE>');
    expect(refusal(() => parseOfx(closed)).message).toBe(
      'OFX/BANKMSGSRSV1/STMTTRNRS[1]: the response holds no statement (STMTRS); the bank ' +
        'reports status 2000 "Account closed".',
    );
    expect(refusal(() => parseOfx('OFXHEADER:100\n\n<BANK>')).message).toContain(
      'no <OFX> element',
    );
    expect(
      refusal(() => parseOfx('<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>')).message,
    ).toContain('no bank or credit-card statement');
  });
});

describe('CSV', () => {
  const german: CsvMapping = {
    delimiter: ';',
    hasHeader: true,
    dateColumn: 'Buchungstag',
    dateFormat: 'DD.MM.YYYY',
    amountColumn: 'Betrag',
    creditColumn: null,
    debitColumn: null,
    decimalSeparator: ',',
    counterpartyColumn: 'Empfänger/Zahlungspflichtiger',
    counterpartyAccountColumn: 'IBAN',
    referenceColumn: 'Referenz',
    remittanceColumn: 'Verwendungszweck',
    idColumn: 'Transaktions-ID',
    balanceColumn: 'Saldo',
    currency: 'EUR',
  };
  const american: CsvMapping = {
    ...german,
    delimiter: ',',
    dateColumn: 'Date',
    dateFormat: 'MM/DD/YYYY',
    amountColumn: null,
    creditColumn: 'Credit',
    debitColumn: 'Debit',
    decimalSeparator: '.',
    counterpartyColumn: null,
    counterpartyAccountColumn: null,
    referenceColumn: 'Check No',
    remittanceColumn: 'Description',
    idColumn: null,
    balanceColumn: null,
    currency: 'USD',
  };

  test('with a header, a signed amount column, thousands separators and a running balance', () => {
    const file = parseCsv(fixture('bank-export-header.csv'), german);
    expect(file.format).toBe('CSV');
    const [statement] = file.statements;
    expect(statement.currency).toBe('EUR');
    // Newest line first: the opening balance is the oldest line's balance before its amount.
    expect(statement.openingBalanceMinor).toBe(0n);
    expect(statement.closingBalanceMinor).toBe(276550n);
    expect(statement.fromDate).toBe('2026-03-02');
    expect(statement.toDate).toBe('2026-03-03');
    expect(statement.warnings).toEqual([]);
    expect(statement.entries).toEqual([
      entry({
        bookingDate: '2026-03-03',
        amountMinor: -123450n,
        bankReference: 'TX-300',
        counterpartyName: 'Vermieter GmbH',
        counterpartyAccount: 'DE02120300000000202051',
        remittance: 'Miete März',
        location: 'line 2',
      }),
      entry({
        bookingDate: '2026-03-02',
        amountMinor: 400000n,
        bankReference: 'TX-299',
        reference: 'RF18539007547034',
        counterpartyName: 'Harbor Foods; Ltd',
        counterpartyAccount: 'GB29NWBK60161331926819',
        remittance: 'Invoice INV-1001 second line',
        // After a blank line; the quoted field runs over two lines.
        location: 'line 4',
      }),
    ]);
  });

  test('with credit and debit columns (debits with or without a minus sign)', () => {
    const [statement] = parseCsv(fixture('bank-export-credit-debit.csv'), american).statements;
    expect(statement.openingBalanceMinor).toBeNull();
    expect(statement.closingBalanceMinor).toBeNull();
    expect(
      statement.entries.map((e) => [
        e.location,
        e.bookingDate,
        e.amountMinor,
        e.reference,
        e.remittance,
      ]),
    ).toEqual([
      ['line 2', '2026-03-01', 150000n, null, 'Opening deposit'],
      ['line 3', '2026-03-05', -80000n, '1043', 'Office rent'],
      ['line 5', '2026-03-31', -250n, null, 'Card fee'],
    ]);
  });

  test('without a header, columns by number', () => {
    const text = '2026-01-31|-10.00|Bank fee\n2026-02-01|20|Refund\n';
    const [statement] = parseCsv(text, {
      ...american,
      delimiter: '|',
      hasHeader: false,
      dateColumn: '1',
      dateFormat: 'YYYY-MM-DD',
      amountColumn: '2',
      creditColumn: null,
      debitColumn: null,
      referenceColumn: null,
      remittanceColumn: '3',
    }).statements;
    expect(statement.entries.map((e) => [e.location, e.amountMinor, e.remittance])).toEqual([
      ['line 1', -1000n, 'Bank fee'],
      ['line 2', 2000n, 'Refund'],
    ]);
  });

  test('a bad date names the line, the column and the value', () => {
    const error = refusal(() =>
      parseCsv(fixture('bank-export-bad-date.csv'), { ...american, referenceColumn: null }),
    );
    expect(error.location).toBe('line 3');
    expect(error.message).toBe(
      'line 3: column "Date": "02/30/2026" is not a date in the format MM/DD/YYYY.',
    );
  });

  test('amounts: thousands separators only where unambiguous; other refusals', () => {
    const line = (amount: string): string => `Buchungstag;Betrag\n01.03.2026;${amount}\n`;
    const mapping: CsvMapping = {
      ...german,
      counterpartyColumn: null,
      counterpartyAccountColumn: null,
      referenceColumn: null,
      remittanceColumn: null,
      idColumn: null,
      balanceColumn: null,
    };
    const amount = (text: string): bigint =>
      parseCsv(line(text), mapping).statements[0].entries[0].amountMinor;
    expect(amount('1.234.567,89')).toBe(123456789n);
    expect(amount('-0,5')).toBe(-50n);
    expect(amount('12')).toBe(1200n);
    const ambiguous = refusal(() => parseCsv(line('1.23,45'), mapping));
    expect(ambiguous.message).toBe(
      'line 2: column "Betrag": "1.23,45" is not an amount: "." is only accepted as a thousands ' +
        'separator (groups of three digits) when "," is the decimal separator.',
    );
    expect(refusal(() => parseCsv(line('12.5'), mapping)).location).toBe('line 2');
    expect(refusal(() => parseCsv(line('1,234'), mapping)).message).toContain(
      'has more than 2 decimals',
    );
    expect(refusal(() => parseCsv(line('EUR 5'), mapping)).message).toContain('is not an amount');
    expect(refusal(() => parseCsv(line(''), mapping)).message).toBe(
      'line 2: column "Betrag" is empty: the line has no amount.',
    );
    expect(refusal(() => parseCsv(line('5'), { ...mapping, amountColumn: 'Amount' })).message).toBe(
      'line 1: the amount column "Amount" is not in the header (Buchungstag, Betrag).',
    );
    expect(refusal(() => parseCsv('', mapping)).message).toBe('The file is empty.');
    expect(refusal(() => parseCsv('Buchungstag;Betrag\n', mapping)).message).toBe(
      'The file holds no statement lines.',
    );
    expect(refusal(() => parseCsv('Buchungstag;Betrag\n01.03.2026;"5\n', mapping)).location).toBe(
      'line 2',
    );
    expect(refusal(() => parseStatementFile('CSV', line('5'))).location).toBe('mapping');
    const both = refusal(() =>
      parseCsv('Date,Debit,Credit\n03/01/2026,1.00,2.00\n', {
        ...american,
        referenceColumn: null,
        remittanceColumn: null,
      }),
    );
    expect(both.message).toBe(
      'line 2: both a credit (2.00) and a debit (1.00) are given; one line is one movement.',
    );
  });

  test('a running balance that does not follow the amounts: closing kept, opening unknown, a warning', () => {
    const text = 'Buchungstag;Betrag;Saldo\n01.03.2026;10,00;110,00\n02.03.2026;5,00;120,00\n';
    const [statement] = parseCsv(text, {
      ...german,
      counterpartyColumn: null,
      counterpartyAccountColumn: null,
      referenceColumn: null,
      remittanceColumn: null,
      idColumn: null,
    }).statements;
    expect(statement.openingBalanceMinor).toBeNull();
    expect(statement.closingBalanceMinor).toBe(12000n);
    expect(statement.warnings).toEqual([
      'The balance column does not follow from the amounts line by line; the opening balance is ' +
        'unknown and the closing balance 120.00 is taken from line 3.',
    ]);
  });
});
