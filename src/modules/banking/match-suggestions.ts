import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { daysBetween } from '../common/calendar-dates';
import { absMinor, formatMinorUnits } from '../common/money';
import { creditorReferenceBody } from '../ledger/payment-reference';
import { BankRuleDirection, type BankRule } from './bank.entity';

/** What a suggestion needs of a bank line. */
export interface SuggestibleLine {
  id: number;
  bankAccountId: number;
  amountMinor: bigint;
  matchedMinor: bigint;
  bookingDate: string;
  reference: string | null;
  remittance: string | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
}

export interface MatchSuggestion {
  /** 0–100: how sure the suggestion is (see SCORES). */
  score: number;
  reason: string;
  /** Unsigned: what the match would take of the line. */
  amountMinor: bigint;
  invoiceId: number | null;
  billId: number | null;
  journalEntryId: number | null;
  ruleId: number | null;
}

/**
 * The ranking, best first. A maintainer changing one changes the order the accountant sees:
 * our own reference beats a number in free text, which beats a known payer with the exact amount,
 * and so on down to an amount alone.
 */
export const SCORES = {
  OUR_REFERENCE: 100,
  NUMBER_IN_TEXT: 90,
  KNOWN_ACCOUNT_AND_AMOUNT: 85,
  NAME_AND_AMOUNT: 75,
  BOOKED_ENTRY_NEAR: 70,
  BOOKED_ENTRY: 60,
  KNOWN_ACCOUNT: 55,
  RULE: 50,
  AMOUNT_ONLY: 40,
} as const;

/** Suggestions kept per line. */
const PER_LINE = 5;
/** How far apart (days) a booked entry and a bank line may be to be suggested together. */
const ENTRY_WINDOW_DAYS = 10;

interface OpenDocument {
  id: number;
  number: string;
  partyId: number;
  partyName: string;
  partyCompany: string | null;
  openMinor: bigint;
}

interface UnclearedLine {
  entryId: number;
  entryNumber: number;
  date: string;
  accountId: number;
  side: 'DEBIT' | 'CREDIT';
  openMinor: bigint;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** Document numbers (INV-000042, BILL-000007) a text mentions, in our own format. */
function mentionedNumbers(text: string | null): string[] {
  if (!text) return [];
  const numbers: string[] = [];
  for (const match of text.matchAll(/\b(INV|BILL)[\s-]?0*(\d{1,9})\b/gi))
    numbers.push(`${match[1].toUpperCase()}-${match[2].padStart(6, '0')}`);
  for (const word of text.split(/[^A-Za-z0-9]+/)) {
    const body = creditorReferenceBody(word);
    const number = body && /^(INV|BILL)0*(\d+)$/.exec(body);
    if (number) numbers.push(`${number[1]}-${number[2].padStart(6, '0')}`);
  }
  return numbers;
}

/** Our creditor references (RF…) a text carries, as document numbers. */
function referencedNumbers(text: string | null): string[] {
  if (!text) return [];
  const compact = text.replace(/\s+/g, '');
  const body = creditorReferenceBody(compact);
  const number = body && /^(INV|BILL)0*(\d+)$/.exec(body);
  return number ? [`${number[1]}-${number[2].padStart(6, '0')}`] : [];
}

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9 ]+/g, ' ')
      .split(' ')
      .filter(
        (word) => word.length >= 3 && !['gmbh', 'ltd', 'inc', 'llc', 'the', 'and'].includes(word),
      ),
  );

/** Whether a bank's counterparty name names this party: two shared words, or all of a short name. */
function namesParty(counterparty: string | null, name: string, company: string | null): boolean {
  if (!counterparty) return false;
  const theirs = words(counterparty);
  return [name, company].some((candidate) => {
    if (!candidate) return false;
    const ours = [...words(candidate)];
    const shared = ours.filter((word) => theirs.has(word)).length;
    return shared >= 2 || (ours.length > 0 && shared === ours.length);
  });
}

function ruleApplies(rule: BankRule, line: SuggestibleLine): boolean {
  if (!rule.enabled) return false;
  if (rule.bankAccountId !== null && rule.bankAccountId !== line.bankAccountId) return false;
  if (rule.direction === BankRuleDirection.CREDIT && line.amountMinor < 0n) return false;
  if (rule.direction === BankRuleDirection.DEBIT && line.amountMinor > 0n) return false;
  const amount = absMinor(line.amountMinor);
  if (rule.minAmountMinor !== null && amount < rule.minAmountMinor) return false;
  if (rule.maxAmountMinor !== null && amount > rule.maxAmountMinor) return false;
  if (rule.textContains) {
    const haystack = [line.counterpartyName, line.reference, line.remittance]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    if (!haystack.includes(rule.textContains.toLowerCase())) return false;
  }
  return true;
}

/**
 * Ranked match suggestions for bank lines, a page at a time: a handful of statements per page
 * (documents by number, open documents by amount or known payer, uncleared bank-account entries
 * by amount, the rules), whatever the page size.
 */
export async function suggestMatches(
  em: EntityManager,
  lines: readonly SuggestibleLine[],
  rules: readonly BankRule[],
  ledgerAccountOf: ReadonlyMap<number, number>,
): Promise<Map<number, MatchSuggestion[]>> {
  const open = lines.filter((line) => line.matchedMinor !== line.amountMinor);
  const result = new Map<number, MatchSuggestion[]>(lines.map((line) => [line.id, []]));
  if (open.length === 0) return result;
  const incoming = open.filter((line) => line.amountMinor > 0n);
  const outgoing = open.filter((line) => line.amountMinor < 0n);
  const openOf = (line: SuggestibleLine) => absMinor(line.amountMinor - line.matchedMinor);

  const accounts = [...new Set(open.map((l) => l.counterpartyAccount).filter((a) => a !== null))];
  const known = new Map(
    (
      await runSql<{ account: string; customer_id: string | null; vendor_id: string | null }>(
        em,
        'SELECT account, customer_id, vendor_id FROM bank_counterparty WHERE account = ANY(?::text[])',
        [accounts],
      )
    ).map((row) => [
      row.account,
      {
        customerId: row.customer_id === null ? null : Number(row.customer_id),
        vendorId: row.vendor_id === null ? null : Number(row.vendor_id),
      },
    ]),
  );

  const invoices = await openDocuments(em, 'invoice', incoming, known, openOf);
  const bills = await openDocuments(em, 'bill', outgoing, known, openOf);
  const uncleared = await unclearedLines(em, open, ledgerAccountOf, openOf);

  for (const line of open) {
    const lineOpen = openOf(line);
    const found: MatchSuggestion[] = [];
    const add = (
      suggestion: Omit<MatchSuggestion, 'invoiceId' | 'billId' | 'journalEntryId' | 'ruleId'> &
        Partial<MatchSuggestion>,
    ) =>
      found.push({
        invoiceId: null,
        billId: null,
        journalEntryId: null,
        ruleId: null,
        ...suggestion,
      });
    const documents = line.amountMinor > 0n ? invoices : bills;
    const key = line.amountMinor > 0n ? 'invoiceId' : 'billId';
    const noun = line.amountMinor > 0n ? 'invoice' : 'bill';
    const referenced = new Set(referencedNumbers(line.reference));
    const inReference = new Set(mentionedNumbers(line.reference));
    const inText = new Set(mentionedNumbers(line.remittance));
    const party = line.counterpartyAccount ? known.get(line.counterpartyAccount) : undefined;
    const knownPartyId = line.amountMinor > 0n ? party?.customerId : party?.vendorId;
    for (const document of documents.values()) {
      const amount = min(lineOpen, document.openMinor);
      const exact = document.openMinor === lineOpen;
      if (referenced.has(document.number))
        add({
          score: SCORES.OUR_REFERENCE,
          amountMinor: amount,
          [key]: document.id,
          reason: `Our payment reference for ${noun} ${document.number}`,
        });
      else if (inReference.has(document.number))
        add({
          score: SCORES.OUR_REFERENCE,
          amountMinor: amount,
          [key]: document.id,
          reason: `The reference names ${noun} ${document.number}`,
        });
      else if (inText.has(document.number))
        add({
          score: SCORES.NUMBER_IN_TEXT,
          amountMinor: amount,
          [key]: document.id,
          reason: `The remittance text names ${noun} ${document.number}`,
        });
      else if (exact && knownPartyId === document.partyId)
        add({
          score: SCORES.KNOWN_ACCOUNT_AND_AMOUNT,
          amountMinor: amount,
          [key]: document.id,
          reason: `${document.partyName} paid from this account before, and ${noun} ${document.number} is open for exactly ${formatMinorUnits(lineOpen)}`,
        });
      else if (
        exact &&
        namesParty(line.counterpartyName, document.partyName, document.partyCompany)
      )
        add({
          score: SCORES.NAME_AND_AMOUNT,
          amountMinor: amount,
          [key]: document.id,
          reason: `The counterparty is ${document.partyName}, and ${noun} ${document.number} is open for exactly ${formatMinorUnits(lineOpen)}`,
        });
      else if (knownPartyId === document.partyId)
        add({
          score: SCORES.KNOWN_ACCOUNT,
          amountMinor: amount,
          [key]: document.id,
          reason: `${document.partyName} paid from this account before; ${noun} ${document.number} has ${formatMinorUnits(document.openMinor)} open`,
        });
      else if (exact)
        add({
          score: SCORES.AMOUNT_ONLY,
          amountMinor: amount,
          [key]: document.id,
          reason: `${noun[0].toUpperCase()}${noun.slice(1)} ${document.number} (${document.partyName}) is open for exactly ${formatMinorUnits(lineOpen)}`,
        });
    }
    const ledgerAccount = ledgerAccountOf.get(line.bankAccountId);
    for (const booked of uncleared) {
      const side = line.amountMinor > 0n ? 'DEBIT' : 'CREDIT';
      if (
        booked.accountId !== ledgerAccount ||
        booked.side !== side ||
        booked.openMinor !== lineOpen
      )
        continue;
      const days = Math.abs(daysBetween(booked.date, line.bookingDate));
      if (days > ENTRY_WINDOW_DAYS) continue;
      add({
        score: days <= 3 ? SCORES.BOOKED_ENTRY_NEAR : SCORES.BOOKED_ENTRY,
        amountMinor: lineOpen,
        journalEntryId: booked.entryId,
        reason: `Entry ${booked.entryNumber} of ${booked.date} moved exactly ${formatMinorUnits(lineOpen)} through this bank's account and is not yet cleared`,
      });
    }
    for (const rule of rules)
      if (ruleApplies(rule, line))
        add({
          score: SCORES.RULE,
          amountMinor: lineOpen,
          ruleId: rule.id,
          reason: `Rule "${rule.name}"`,
        });
    found.sort((a, b) => b.score - a.score);
    result.set(line.id, found.slice(0, PER_LINE));
  }
  return result;
}

/**
 * Open invoices (or bills) a page of lines could pay: those their texts name, those open for
 * exactly a line's amount, and those of payers known by their bank account.
 */
async function openDocuments(
  em: EntityManager,
  kind: 'invoice' | 'bill',
  lines: readonly SuggestibleLine[],
  known: ReadonlyMap<string, { customerId: number | null; vendorId: number | null }>,
  openOf: (line: SuggestibleLine) => bigint,
): Promise<Map<number, OpenDocument>> {
  if (lines.length === 0) return new Map();
  const numbers = lines.flatMap((line) => [
    ...referencedNumbers(line.reference),
    ...mentionedNumbers(line.reference),
    ...mentionedNumbers(line.remittance),
  ]);
  const amounts = lines.map((line) => openOf(line).toString());
  const parties = lines
    .map((line) => (line.counterpartyAccount ? known.get(line.counterpartyAccount) : undefined))
    .map((party) => (kind === 'invoice' ? party?.customerId : party?.vendorId))
    .filter((id): id is number => id != null);
  const sql =
    kind === 'invoice'
      ? `SELECT d.id, d.number, d.customer_id AS party_id, p.name AS party_name, p.company AS party_company,
                d.total_minor - d.amount_paid_minor AS open_minor
           FROM invoice d JOIN customer p ON p.id = d.customer_id
          WHERE d.status <> 'PAID'
            AND (d.number = ANY(?::text[]) OR d.total_minor - d.amount_paid_minor = ANY(?::bigint[])
                 OR d.customer_id = ANY(?::bigint[]))
          ORDER BY d.id LIMIT 2000`
      : `SELECT d.id, d.number, d.vendor_id AS party_id, p.name AS party_name, NULL AS party_company,
                d.amount_minor - d.amount_paid_minor AS open_minor
           FROM bill d JOIN vendor p ON p.id = d.vendor_id
          WHERE d.status <> 'PAID'
            AND (d.number = ANY(?::text[]) OR d.amount_minor - d.amount_paid_minor = ANY(?::bigint[])
                 OR d.vendor_id = ANY(?::bigint[]))
          ORDER BY d.id LIMIT 2000`;
  const rows = await runSql<{
    id: string;
    number: string;
    party_id: string;
    party_name: string;
    party_company: string | null;
    open_minor: string;
  }>(em, sql, [numbers, amounts, parties]);
  return new Map(
    rows.map((row) => [
      Number(row.id),
      {
        id: Number(row.id),
        number: row.number,
        partyId: Number(row.party_id),
        partyName: row.party_name,
        partyCompany: row.party_company,
        openMinor: BigInt(row.open_minor),
      },
    ]),
  );
}

/** Lines on the bank accounts' ledger accounts with the pages' amounts that no bank line cleared. */
async function unclearedLines(
  em: EntityManager,
  lines: readonly SuggestibleLine[],
  ledgerAccountOf: ReadonlyMap<number, number>,
  openOf: (line: SuggestibleLine) => bigint,
): Promise<UnclearedLine[]> {
  const accounts = [
    ...new Set(lines.map((line) => ledgerAccountOf.get(line.bankAccountId))),
  ].filter((id): id is number => id !== undefined);
  const amounts = [...new Set(lines.map((line) => openOf(line).toString()))];
  const dates = lines.map((line) => line.bookingDate).sort();
  const rows = await runSql<{
    entry_id: string;
    number: string;
    entry_date: string;
    account_id: string;
    debit_minor: string;
    credit_minor: string;
    cleared_minor: string;
  }>(
    em,
    `SELECT l.entry_id, e.number, to_char(l.entry_date, 'YYYY-MM-DD') AS entry_date, l.account_id,
            l.debit_minor, l.credit_minor, coalesce(c.cleared_minor, 0) AS cleared_minor
       FROM journal_line l
       JOIN journal_entry e ON e.id = l.entry_id
       LEFT JOIN journal_line_clearing c ON c.journal_line_id = l.id
      WHERE l.account_id = ANY(?::bigint[])
        AND l.entry_date BETWEEN ?::date - ${ENTRY_WINDOW_DAYS} AND ?::date + ${ENTRY_WINDOW_DAYS}
        AND (l.debit_minor = ANY(?::bigint[]) OR l.credit_minor = ANY(?::bigint[]))
        AND coalesce(c.cleared_minor, 0) = 0
        AND e.reversal_of_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM journal_entry r WHERE r.reversal_of_id = e.id)
      ORDER BY l.entry_date, l.id LIMIT 2000`,
    [accounts, dates[0], dates[dates.length - 1], amounts, amounts],
  );
  return rows.map((row) => {
    const debit = BigInt(row.debit_minor);
    return {
      entryId: Number(row.entry_id),
      entryNumber: Number(row.number),
      date: row.entry_date,
      accountId: Number(row.account_id),
      side: debit > 0n ? 'DEBIT' : 'CREDIT',
      openMinor: (debit > 0n ? debit : BigInt(row.credit_minor)) - BigInt(row.cleared_minor),
    };
  });
}
