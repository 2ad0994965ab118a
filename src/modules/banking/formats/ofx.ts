/**
 * OFX bank and credit-card statements: 1.x (SGML) and 2.x (XML).
 *
 * OFX 1.x is SGML whose leaf elements have no end tag (`<TRNAMT>-5.50`). It is turned into XML by
 * closing each leaf tag (the usual approach, see `sgmlToXml`) and then read with the same XML
 * parser as 2.x. OFX carries no opening balance: it stays null. LEDGERBAL is the closing balance.
 */
import { collapse, isoDate, normaliseAccount, toMinor } from './values';
import {
  type ParsedEntry,
  type ParsedStatement,
  type ParsedStatementFile,
  StatementFileError,
} from './statement-types';
import { at, children, readXml, textAt, type XmlDocument, type XmlValue } from './xml';

export function parseOfx(text: string): ParsedStatementFile {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new StatementFileError('The file is empty.', 'line 1');
  const start = content.search(/<OFX>/i);
  if (start < 0)
    throw new StatementFileError('The file has no <OFX> element: it is not an OFX file.', 'OFX');
  const header = content.slice(0, start);
  const body = content.slice(start);
  const lineOffset = header.split('\n').length - 1;
  const xmlHeader = /<\?OFX\b[^>]*?\bVERSION\s*=\s*"(\d+)"/i.exec(header);
  const sgmlHeader = /^\s*VERSION:\s*(\d+)/im.exec(header);
  const warnings: string[] = [];
  let document: XmlDocument;
  let version: string;
  if (xmlHeader !== null) {
    version = xmlHeader[1];
    try {
      document = readXml(body, lineOffset);
    } catch (xmlError) {
      // Some banks (ANZ, for one) put an OFX 2.x XML header over a 1.x SGML body. Such a body
      // is read as SGML, with a warning; a body that is neither is refused with the XML error.
      try {
        document = readXml(sgmlToXml(body), lineOffset);
      } catch {
        throw xmlError;
      }
      warnings.push(
        `The file announces OFX ${version} (XML) but its body is OFX 1.x SGML with unclosed ` +
          'tags; it was read as SGML.',
      );
    }
  } else {
    version = sgmlHeader?.[1] ?? '';
    document = readXml(sgmlToXml(body), lineOffset);
  }
  if (document.rootName !== 'OFX')
    throw new StatementFileError(`The root element is <${document.rootName}>, not <OFX>.`, 'OFX');

  const statements: ParsedStatement[] = [];
  const counter = { transactions: 0 };
  const sources: [string, string, string][] = [
    ['BANKMSGSRSV1', 'STMTTRNRS', 'STMTRS'],
    ['CREDITCARDMSGSRSV1', 'CCSTMTTRNRS', 'CCSTMTRS'],
  ];
  for (const [set, wrapper, name] of sources) {
    for (const messages of children(document.root, set)) {
      children(messages, wrapper).forEach((response, index) => {
        const path = `OFX/${set}/${wrapper}[${index + 1}]`;
        const statement = at(response, name);
        if (statement === undefined) {
          const code = textAt(response, 'STATUS/CODE');
          const message = textAt(response, 'STATUS/MESSAGE');
          throw new StatementFileError(
            `${path}: the response holds no statement (${name})` +
              (code !== null && code !== '0'
                ? `; the bank reports status ${code}${message === null ? '' : ` "${message}"`}.`
                : '.'),
            `${path}/${name}`,
          );
        }
        const position = statements.filter((s) => s.location.startsWith(`${name}[`)).length + 1;
        statements.push(readStatement(statement, name, position, `${path}/${name}`, counter));
      });
    }
  }
  if (statements.length === 0)
    throw new StatementFileError(
      'The file holds no bank or credit-card statement (STMTRS or CCSTMTRS).',
      'OFX',
    );
  return { format: 'OFX', version, statements, warnings };
}

/**
 * OFX 1.x SGML → XML. An opening tag followed by text on its own is a leaf whose end tag SGML lets
 * the file leave out: the end tag is added right after the text (unless the file already has it),
 * and a bare `&` is escaped. An opening tag with no text, directly followed by another element's end
 * tag, is an empty leaf and is closed too. Aggregates (`<STMTTRN>`…`</STMTTRN>`) are left as they
 * are. Line breaks are kept, so XML errors still name the file's line.
 */
export function sgmlToXml(body: string): string {
  return body.replace(
    /<([A-Za-z][A-Za-z0-9._]*)>([^<]*)/g,
    (whole: string, name: string, rest: string, offset: number) => {
      const after = offset + whole.length;
      const value = rest.trim();
      if (value === '') {
        const emptyLeaf = body.startsWith('</', after) && !body.startsWith(`</${name}>`, after);
        return emptyLeaf ? `<${name}></${name}>${rest}` : whole;
      }
      const escaped = rest.replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/g, '&amp;');
      if (body.startsWith(`</${name}>`, after)) return `<${name}>${escaped}`;
      const trailing = /\s*$/.exec(escaped)?.[0] ?? '';
      return `<${name}>${escaped.slice(0, escaped.length - trailing.length)}</${name}>${trailing}`;
    },
  );
}

function readStatement(
  node: XmlValue,
  name: string,
  position: number,
  path: string,
  counter: { transactions: number },
): ParsedStatement {
  const currency = textAt(node, 'CURDEF');
  if (currency === null)
    throw new StatementFileError(
      `${path}/CURDEF: the statement has no currency.`,
      `${path}/CURDEF`,
    );
  const account = at(node, name === 'CCSTMTRS' ? 'CCACCTFROM' : 'BANKACCTFROM');
  const list = at(node, 'BANKTRANLIST');
  const entries = children(list, 'STMTTRN').map((transaction, index) => {
    counter.transactions += 1;
    return readTransaction(
      transaction,
      currency,
      `${path}/BANKTRANLIST/STMTTRN[${index + 1}]`,
      `STMTTRN[${counter.transactions}]`,
    );
  });
  const ledgerBalance = textAt(node, 'LEDGERBAL/BALAMT');
  const dates = entries.map((entry) => entry.bookingDate).sort();
  return {
    statementId: null,
    accountIban: null,
    accountNumber: textAt(account, 'ACCTID'),
    routingNumber: textAt(account, 'BANKID'),
    currency,
    openingBalanceMinor: null,
    closingBalanceMinor:
      ledgerBalance === null
        ? null
        : signedAmount(ledgerBalance, `${path}/LEDGERBAL/BALAMT`, 'balance'),
    fromDate: ofxDate(textAt(list, 'DTSTART'), `${path}/BANKTRANLIST/DTSTART`) ?? dates[0] ?? null,
    toDate: ofxDate(textAt(list, 'DTEND'), `${path}/BANKTRANLIST/DTEND`) ?? dates.at(-1) ?? null,
    entries,
    warnings: [],
    location: `${name}[${position}]`,
  };
}

function readTransaction(
  node: XmlValue,
  currency: string,
  path: string,
  location: string,
): ParsedEntry {
  const posted = ofxDate(textAt(node, 'DTPOSTED'), `${path}/DTPOSTED`);
  if (posted === null)
    throw new StatementFileError(
      `${path}/DTPOSTED: the transaction has no posting date.`,
      `${path}/DTPOSTED`,
    );
  const amount = textAt(node, 'TRNAMT');
  if (amount === null)
    throw new StatementFileError(
      `${path}/TRNAMT: the transaction has no amount.`,
      `${path}/TRNAMT`,
    );
  // With CURRENCY, TRNAMT is in that currency and only a rate is given: refused rather than
  // rounded by us. (ORIGCURRENCY means TRNAMT is already in the statement currency.)
  const foreign = textAt(node, 'CURRENCY/CURSYM');
  if (foreign !== null && foreign !== currency)
    throw new StatementFileError(
      `${path}/CURRENCY: the amount is in ${foreign}, the statement is in ${currency}, and the ` +
        `file gives no amount in ${currency}.`,
      `${path}/CURRENCY`,
    );
  return {
    bookingDate: posted,
    valueDate: ofxDate(textAt(node, 'DTAVAIL'), `${path}/DTAVAIL`),
    amountMinor: signedAmount(amount, `${path}/TRNAMT`, 'amount'),
    bankReference: textAt(node, 'FITID'),
    reference: textAt(node, 'CHECKNUM') ?? textAt(node, 'REFNUM'),
    counterpartyName: collapse(textAt(node, 'NAME') ?? textAt(node, 'PAYEE/NAME')),
    counterpartyAccount: normaliseAccount(
      textAt(node, 'BANKACCTTO/ACCTID') ?? textAt(node, 'CCACCTTO/ACCTID'),
    ),
    remittance: collapse(textAt(node, 'MEMO')),
    bankTransactionCode: textAt(node, 'TRNTYPE'),
    location,
  };
}

/** An OFX amount: optional sign, '.' or ',' as the decimal point (both allowed by the spec). */
function signedAmount(raw: string, path: string, what: string): bigint {
  const match = /^([+-])?(\d*)(?:[.,](\d*))?$/.exec(raw.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    throw new StatementFileError(`${path}: the ${what} "${raw}" is not a number.`, path);
  const plain = `${match[1] === '-' ? '-' : ''}${match[2] || '0'}.${match[3] || '0'}`;
  return toMinor(plain, raw, path, what);
}

/** OFX datetime 'YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]]' → its date part. */
function ofxDate(text: string | null, path: string): string | null {
  if (text === null) return null;
  const match = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  const date = match ? isoDate(match[1], match[2], match[3]) : null;
  if (date === null) throw new StatementFileError(`${path}: "${text}" is not a date.`, path);
  return date;
}
