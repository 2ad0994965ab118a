/**
 * ISO 20022 camt.053 (BankToCustomerStatement) versions 001.02, 001.04 and 001.08.
 *
 * Rules a maintainer must keep:
 * - amounts are read as decimals into minor units, never through a float; more than two decimals
 *   (unless zeros) is refused naming the element;
 * - the sign comes from CdtDbtInd only; RvslInd is recorded as a warning and changes nothing;
 * - every oddity we accept is a warning on the statement, every one we refuse names the element:
 *   nothing is dropped or changed silently.
 */
import { formatMinorUnits } from '../../common/money';
import {
  addUpWarning,
  collapse,
  isoDate,
  normaliseAccount,
  unsignedDecimalToMinor,
} from './values';
import {
  type ParsedEntry,
  type ParsedStatement,
  type ParsedStatementFile,
  StatementFileError,
} from './statement-types';
import { at, attribute, children, readXml, textAt, textOf, type XmlValue } from './xml';

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)$/;
const SUPPORTED_VERSIONS = ['02', '04', '08'];
/** The schema's maxLength for one Ustrd. */
const USTRD_MAX_LENGTH = 140;

export function parseCamt053(text: string): ParsedStatementFile {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new StatementFileError('The file is empty.', 'line 1');
  const document = readXml(content);
  if (document.rootName !== 'Document')
    throw new StatementFileError(
      `The file's root element is <${document.rootName}>, not the <Document> of a camt.053 statement.`,
      document.rootName,
    );
  const namespace = document.rootNamespace;
  const version = NAMESPACE.exec(namespace ?? '')?.[1];
  if (version === undefined || !SUPPORTED_VERSIONS.includes(version))
    throw new StatementFileError(
      `The document's namespace is ${namespace === null ? 'missing' : `"${namespace}"`}: only ` +
        'camt.053 statements of versions 001.02, 001.04 and 001.08 ' +
        '(urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN) are read.',
      'Document/@xmlns',
    );
  const message = at(document.root, 'BkToCstmrStmt');
  if (message === undefined)
    throw new StatementFileError(
      'The document has no BkToCstmrStmt element: it is not a bank-to-customer statement.',
      'Document/BkToCstmrStmt',
    );
  const statements = children(message, 'Stmt');
  if (statements.length === 0)
    throw new StatementFileError(
      'The file holds no statement (no BkToCstmrStmt/Stmt element).',
      'BkToCstmrStmt/Stmt',
    );
  return {
    format: 'CAMT053',
    version: `001.${version}`,
    statements: statements.map((statement, index) => readStatement(statement, index + 1, version)),
    warnings: [],
  };
}

interface Balance {
  code: string | null;
  amountMinor: bigint;
  currency: string;
  path: string;
}

function readStatement(node: XmlValue, position: number, version: string): ParsedStatement {
  const path = `BkToCstmrStmt/Stmt[${position}]`;
  const location = `Stmt[${position}]`;
  const warnings: string[] = [];
  const account = at(node, 'Acct');
  if (account === undefined)
    throw new StatementFileError(`${path}/Acct: the statement names no account.`, `${path}/Acct`);

  const balances = children(node, 'Bal').map((bal, index) =>
    readBalance(bal, `${path}/Bal[${index + 1}]`),
  );
  const byCode = (code: string): Balance | undefined => balances.find((b) => b.code === code);
  const opening = byCode('OPBD') ?? byCode('PRCD');
  const closing = byCode('CLBD');
  const ntries = children(node, 'Ntry');
  const currency =
    textAt(account, 'Ccy') ??
    opening?.currency ??
    closing?.currency ??
    balances[0]?.currency ??
    (ntries.length > 0 ? attribute(at(ntries[0], 'Amt'), 'Ccy') : null);
  if (currency === null)
    throw new StatementFileError(
      `${path}/Acct/Ccy: the statement gives no currency (no account currency, balance or entry).`,
      `${path}/Acct/Ccy`,
    );
  // A balance must be in the account's currency: a closing balance in SEK on a EUR account
  // cannot be compared with anything, so the file is refused rather than guessed at.
  for (const balance of balances) {
    if (balance.currency !== currency)
      throw new StatementFileError(
        `${balance.path}/Amt: the ${balance.code ?? ''} balance is in ${balance.currency}, ` +
          `but the account is in ${currency}.`,
        `${balance.path}/Amt`,
      );
  }

  const entries: ParsedEntry[] = [];
  ntries.forEach((ntry, index) => {
    entries.push(
      ...readEntry(ntry, {
        path: `${path}/Ntry[${index + 1}]`,
        location: `${location}/Ntry[${index + 1}]`,
        currency,
        version,
        warnings,
      }),
    );
  });

  const addUp = addUpWarning(opening?.amountMinor ?? null, closing?.amountMinor ?? null, entries);
  if (addUp !== null) warnings.push(addUp);
  const bookingDates = entries.map((entry) => entry.bookingDate).sort();
  return {
    statementId: textAt(node, 'Id'),
    accountIban: normaliseAccount(textAt(account, 'Id/IBAN')),
    accountNumber: textAt(account, 'Id/Othr/Id'),
    routingNumber: null,
    currency,
    openingBalanceMinor: opening?.amountMinor ?? null,
    closingBalanceMinor: closing?.amountMinor ?? null,
    fromDate:
      datePart(textAt(node, 'FrToDt/FrDtTm'), `${path}/FrToDt/FrDtTm`) ?? bookingDates[0] ?? null,
    toDate:
      datePart(textAt(node, 'FrToDt/ToDtTm'), `${path}/FrToDt/ToDtTm`) ??
      bookingDates.at(-1) ??
      null,
    entries,
    warnings,
    location,
  };
}

function readBalance(node: XmlValue, path: string): Balance {
  const code = textAt(node, 'Tp/CdOrPrtry/Cd') ?? textAt(node, 'Tp/CdOrPrtry/Prtry');
  const { amountMinor, currency } = readAmount(node, path);
  return { code, amountMinor: signed(amountMinor, node, path), currency, path };
}

/** `Amt` with its `Ccy`, both required. */
function readAmount(node: XmlValue, path: string): { amountMinor: bigint; currency: string } {
  const amount = at(node, 'Amt');
  const text = textOf(amount);
  if (amount === undefined || text === null || text.trim() === '')
    throw new StatementFileError(`${path}/Amt: the amount is missing.`, `${path}/Amt`);
  const currency = attribute(amount, 'Ccy');
  if (currency === null)
    throw new StatementFileError(`${path}/Amt: the amount has no currency (Ccy).`, `${path}/Amt`);
  return { amountMinor: unsignedDecimalToMinor(text, `${path}/Amt`), currency };
}

/** Applies CdtDbtInd (required): DBIT makes the amount negative. */
function signed(amount: bigint, node: XmlValue, path: string): bigint {
  const indicator = indicatorOf(node, path);
  return indicator === 'DBIT' ? -amount : amount;
}

function indicatorOf(node: XmlValue, path: string): 'CRDT' | 'DBIT' {
  const indicator = textAt(node, 'CdtDbtInd');
  if (indicator === 'CRDT' || indicator === 'DBIT') return indicator;
  throw new StatementFileError(
    `${path}/CdtDbtInd: expected CRDT or DBIT, found ${indicator === null ? 'nothing' : `"${indicator}"`}.`,
    `${path}/CdtDbtInd`,
  );
}

/** The date part of an ISODate or ISODateTime ('2014-12-31T13:15:00+01:00' → '2014-12-31'). */
function datePart(text: string | null, path: string): string | null {
  if (text === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  const date = match ? isoDate(match[1], match[2], match[3]) : null;
  if (date === null) throw new StatementFileError(`${path}: "${text}" is not a date.`, path);
  return date;
}

/** `Dt` or the date part of `DtTm` under a DateAndDateTimeChoice element. */
function dateChoice(node: XmlValue, name: string, path: string): string | null {
  return (
    datePart(textAt(node, `${name}/Dt`), `${path}/${name}/Dt`) ??
    datePart(textAt(node, `${name}/DtTm`), `${path}/${name}/DtTm`)
  );
}

interface EntryContext {
  path: string;
  location: string;
  currency: string;
  version: string;
  warnings: string[];
}

interface Detail {
  node: XmlValue;
  path: string;
  location: string;
}

function readEntry(node: XmlValue, context: EntryContext): ParsedEntry[] {
  const { path, location, currency, warnings } = context;
  // camt.053 should hold booked entries only; a pending or informational one is not money moved.
  const status = textAt(node, 'Sts/Cd') ?? textAt(node, 'Sts');
  if (status !== null && status !== 'BOOK') {
    warnings.push(
      `${location}: the entry has status ${status}, not booked (BOOK); it was not imported.`,
    );
    return [];
  }
  const written = readAmount(node, path);
  const indicator = indicatorOf(node, path);
  const sign = indicator === 'DBIT' ? -1n : 1n;
  if (textAt(node, 'RvslInd') === 'true')
    warnings.push(
      `${location}: the bank marks this entry as a reversal (RvslInd); it is imported as the ` +
        `${indicator === 'DBIT' ? 'debit' : 'credit'} of ${formatMinorUnits(written.amountMinor)} the bank booked.`,
    );
  let bookingDate = dateChoice(node, 'BookgDt', path);
  const valueDate = dateChoice(node, 'ValDt', path);
  if (bookingDate === null) {
    if (valueDate === null)
      throw new StatementFileError(
        `${path}/BookgDt: the entry has no booking date.`,
        `${path}/BookgDt`,
      );
    warnings.push(
      `${location}: the entry has no booking date; its value date ${valueDate} is used.`,
    );
    bookingDate = valueDate;
  }

  const details = collectDetails(node, path, location);
  let amountMinor = written.amountMinor;
  const foreign = written.currency !== currency;
  if (foreign) {
    const converted =
      amountInCurrency(node, currency, path) ??
      (details.length === 1 ? amountInCurrency(details[0].node, currency, details[0].path) : null);
    if (converted === null)
      throw new StatementFileError(
        `${path}/Amt: the entry is in ${written.currency} but the account is in ${currency}, and ` +
          `the file gives no amount in ${currency}.`,
        `${path}/Amt`,
      );
    warnings.push(
      `${location}: the entry is written as ${written.currency} ${formatMinorUnits(written.amountMinor)}; the ` +
        `${converted.label} of ${currency} ${formatMinorUnits(converted.amountMinor)} given in the file is imported.`,
    );
    amountMinor = converted.amountMinor;
  }

  const entryReference = textAt(node, 'AcctSvcrRef') ?? textAt(node, 'NtryRef');
  const shared: Shared = {
    bookingDate,
    valueDate,
    indicator,
    code: transactionCode(node),
    additional: collapse(textOf(at(node, 'AddtlNtryInf'))),
    warnings,
  };

  if (!foreign && details.length >= 2) {
    const split = splitAmounts(details, written.currency, indicator, context.version);
    const total = split.amounts?.reduce((sum, amount) => sum + amount, 0n);
    if (split.amounts !== null && total === sign * amountMinor) {
      const amounts = split.amounts;
      const references = splitReferences(details, entryReference);
      return details.map((detail, index) =>
        fromDetail(shared, detail, amounts[index], { bankReference: references[index] }),
      );
    }
    warnings.push(
      `${location}: the ${details.length} transaction details ` +
        (split.amounts === null
          ? `do not all give an amount in ${written.currency}`
          : `add up to ${formatMinorUnits(total ?? 0n)}, not to the entry's ${formatMinorUnits(sign * amountMinor)}`) +
        '; the entry is imported as one line.',
    );
  }
  if (details.length === 1)
    return [
      fromDetail(shared, details[0], sign * amountMinor, {
        bankReference:
          textAt(node, 'AcctSvcrRef') ??
          textAt(details[0].node, 'Refs/AcctSvcrRef') ??
          textAt(node, 'NtryRef'),
        location,
      }),
    ];
  return [
    {
      bookingDate,
      valueDate,
      amountMinor: sign * amountMinor,
      bankReference: entryReference,
      reference: null,
      counterpartyName: null,
      counterpartyAccount: null,
      remittance: shared.additional,
      bankTransactionCode: shared.code,
      location,
    },
  ];
}

/**
 * The bank references of a split batch's details. Each detail must keep a distinct identity, or
 * re-import deduplication would fold the batch's payers into one: a detail's own AcctSvcrRef is
 * used when no sibling shares it and it differs from the entry's; otherwise (real banks repeat
 * the entry's reference on every detail) the reference gets '#' and the detail's position.
 */
function splitReferences(details: Detail[], entryReference: string | null): (string | null)[] {
  const own = details.map((detail) => textAt(detail.node, 'Refs/AcctSvcrRef'));
  const uses = new Map<string, number>();
  for (const reference of own)
    if (reference !== null) uses.set(reference, (uses.get(reference) ?? 0) + 1);
  return own.map((reference, index) => {
    const distinct =
      reference !== null && reference !== entryReference && uses.get(reference) === 1;
    if (distinct) return reference;
    const base = reference ?? entryReference;
    return base === null ? null : `${base}#${index + 1}`;
  });
}

/** Every TxDtls of the entry, across its NtryDtls. */
function collectDetails(node: XmlValue, path: string, location: string): Detail[] {
  const blocks = children(node, 'NtryDtls');
  const details: Detail[] = [];
  blocks.forEach((block, blockIndex) => {
    const blockName = blocks.length === 1 ? 'NtryDtls' : `NtryDtls[${blockIndex + 1}]`;
    children(block, 'TxDtls').forEach((detail, index) => {
      const suffix = `${blockName}/TxDtls[${index + 1}]`;
      details.push({ node: detail, path: `${path}/${suffix}`, location: `${location}/${suffix}` });
    });
  });
  return details;
}

/**
 * Signed amounts of batch details, when every one gives an amount in the entry's currency
 * (v02: AmtDtls/TxAmt/Amt; v04+: Amt, else AmtDtls/TxAmt/Amt). A detail's own CdtDbtInd (v04+)
 * wins over the entry's.
 */
function splitAmounts(
  details: Detail[],
  currency: string,
  indicator: 'CRDT' | 'DBIT',
  version: string,
): { amounts: bigint[] | null } {
  const amounts: bigint[] = [];
  for (const detail of details) {
    const own = version === '02' ? undefined : at(detail.node, 'Amt');
    const [amountNode, amountPath] =
      own !== undefined
        ? [own, `${detail.path}/Amt`]
        : [at(detail.node, 'AmtDtls/TxAmt/Amt'), `${detail.path}/AmtDtls/TxAmt/Amt`];
    const text = textOf(amountNode);
    if (amountNode === undefined || text === null || attribute(amountNode, 'Ccy') !== currency)
      return { amounts: null };
    const amount = unsignedDecimalToMinor(text, amountPath);
    const detailIndicator = textAt(detail.node, 'CdtDbtInd') ?? indicator;
    amounts.push(detailIndicator === 'DBIT' ? -amount : amount);
  }
  return { amounts };
}

/** An amount in `currency` among AmtDtls TxAmt, InstdAmt, CntrValAmt (in that order). */
function amountInCurrency(
  node: XmlValue,
  currency: string,
  path: string,
): { amountMinor: bigint; label: string } | null {
  const candidates: [string, string][] = [
    ['TxAmt', 'transaction amount'],
    ['InstdAmt', 'instructed amount'],
    ['CntrValAmt', 'counter-value amount'],
  ];
  for (const [name, label] of candidates) {
    const amount = at(node, `AmtDtls/${name}/Amt`);
    const text = textOf(amount);
    if (amount !== undefined && text !== null && attribute(amount, 'Ccy') === currency)
      return { amountMinor: unsignedDecimalToMinor(text, `${path}/AmtDtls/${name}/Amt`), label };
  }
  return null;
}

/** BkTxCd as 'Domn/Fmly/SubFmly' (e.g. 'PMNT/RCDT/ESCT'), else the proprietary code. */
function transactionCode(node: XmlValue): string | null {
  const domain = textAt(node, 'BkTxCd/Domn/Cd');
  const family = textAt(node, 'BkTxCd/Domn/Fmly/Cd');
  const subFamily = textAt(node, 'BkTxCd/Domn/Fmly/SubFmlyCd');
  if (domain !== null && family !== null && subFamily !== null)
    return `${domain}/${family}/${subFamily}`;
  return textAt(node, 'BkTxCd/Prtry/Cd');
}

interface Shared {
  bookingDate: string;
  valueDate: string | null;
  indicator: 'CRDT' | 'DBIT';
  code: string | null;
  additional: string | null;
  warnings: string[];
}

/** One parsed entry from a TxDtls: its parties, references and remittance. */
function fromDetail(
  shared: Shared,
  detail: Detail,
  amountMinor: bigint,
  identity: { bankReference: string | null; location?: string },
): ParsedEntry {
  const node = detail.node;
  const indicator = textAt(node, 'CdtDbtInd') ?? shared.indicator;
  // Money in: the other party is the debtor; money out: the creditor.
  const party = indicator === 'DBIT' ? 'Cdtr' : 'Dbtr';
  const partyNode = at(node, `RltdPties/${party}`);
  const name = textAt(partyNode, 'Nm') ?? textAt(partyNode, 'Pty/Nm');
  const account =
    textAt(node, `RltdPties/${party}Acct/Id/IBAN`) ??
    textAt(node, `RltdPties/${party}Acct/Id/Othr/Id`);

  const structured = children(at(node, 'RmtInf'), 'Strd')
    .map((strd) => textAt(strd, 'CdtrRefInf/Ref'))
    .find((ref) => ref !== null);
  const endToEnd = textAt(node, 'Refs/EndToEndId');
  const reference = structured ?? (endToEnd === 'NOTPROVIDED' ? null : endToEnd);

  const unstructured = children(at(node, 'RmtInf'), 'Ustrd')
    .map((part) => collapse(textOf(part)))
    .filter((part): part is string => part !== null);
  for (const part of unstructured) {
    if (part.length > USTRD_MAX_LENGTH)
      shared.warnings.push(
        `${detail.location}: the remittance text is ${part.length} characters long, more than ` +
          `the ${USTRD_MAX_LENGTH} the format allows; it is kept whole.`,
      );
  }
  const remittance =
    unstructured.length > 0
      ? unstructured.join(' ')
      : (collapse(textOf(at(node, 'AddtlTxInf'))) ?? shared.additional);

  return {
    bookingDate: shared.bookingDate,
    valueDate: shared.valueDate,
    amountMinor,
    bankReference: identity.bankReference,
    reference,
    counterpartyName: collapse(name),
    counterpartyAccount: normaliseAccount(account),
    remittance,
    bankTransactionCode: transactionCode(node) ?? shared.code,
    location: identity.location ?? detail.location,
  };
}
