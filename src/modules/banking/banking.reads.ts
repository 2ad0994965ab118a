import type { FilterQuery } from '@mikro-orm/core';
import { runKeyedSql } from '../../db/sql';
import type { RequestContext } from '../context';
import { defineGroupLoader, defineLoader, readList, readPage, type PageArgs } from '../../read';
import {
  BankAccount,
  BankMatch,
  BankRule,
  BankStatement,
  BankStatementLine,
  CsvMappingRecord,
} from './bank.entity';
import type { MatchSuggestion } from './match-suggestions';

/** How bank accounts, statements, lines, matches and rules read. */

export function bankAccountList(context: RequestContext) {
  return readList(context, BankAccount, {}, { orderBy: { name: 'asc' } });
}

export function bankRuleList(context: RequestContext) {
  return readList(context, BankRule, {}, { orderBy: { priority: 'asc', id: 'asc' } });
}

export function csvMappingList(context: RequestContext) {
  return readList(context, CsvMappingRecord, {}, { orderBy: { name: 'asc' } });
}

/** Newest first. */
export function bankStatementPage(
  context: RequestContext,
  where: FilterQuery<BankStatement>,
  args: PageArgs,
) {
  return readPage(context, BankStatement, where, args, { orderBy: { id: 'desc' } });
}

/** In the order they were imported: statement by statement, line by line. */
export function bankStatementLinePage(
  context: RequestContext,
  where: FilterQuery<BankStatementLine>,
  args: PageArgs,
) {
  return readPage(context, BankStatementLine, where, args, { orderBy: { id: 'asc' } });
}

/** A line's matches, undone ones included, oldest first. */
export const matchesOfLine = defineGroupLoader<BankMatch>(
  'banking.matchesOfLine',
  (context, ids) =>
    context.em.find(
      BankMatch,
      { lineId: { $in: [...ids] } },
      { orderBy: { lineId: 'asc', id: 'asc' } },
    ),
  (match) => match.lineId,
);

/** Ranked suggestions for the lines of a page, computed together. */
export const suggestionsOfLine = defineLoader<number, MatchSuggestion[], RequestContext>(
  'banking.suggestionsOfLine',
  async (context, ids) => {
    const lines = await context.em.find(BankStatementLine, { id: { $in: [...ids] } });
    const suggestions = await context.services.banking.suggestions(context.em, lines);
    return ids.map((id) => suggestions.get(id) ?? []);
  },
);

/** How many lines of each bank account are not matched in full. */
export const openLinesOfAccount = defineLoader<number, number, RequestContext>(
  'banking.openLinesOfAccount',
  async (context, ids) => {
    const rows = await runKeyedSql<{ bank_account_id: string; open: string }>(
      context.em,
      `SELECT bank_account_id, count(*) AS open FROM bank_statement_line
        WHERE bank_account_id = ANY(?) AND status <> 'MATCHED' GROUP BY bank_account_id`,
      [ids],
    );
    const counts = new Map(rows.map((row) => [Number(row.bank_account_id), Number(row.open)]));
    return ids.map((id) => counts.get(id) ?? 0);
  },
);
