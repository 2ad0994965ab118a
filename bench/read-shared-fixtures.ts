/**
 * Reads every real statement in ../shared/fixtures/camt053/ and ofx/ (or the folder given as the
 * first argument) with the statement parsers and prints the decision for each: accepted (with
 * the figures and every warning) or refused (with the message and the element or line).
 * Not part of the test suite (CI has no shared fixtures); the tests use fixtures of their own.
 *
 *   npx tsc -p tsconfig.bench.json && node dist/bench/read-shared-fixtures.js [fixtures-dir]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ParsedStatementFile,
  StatementFileError,
  parseCamt053,
  parseOfx,
} from '../src/modules/banking/formats/statement-file';
import { formatMinorUnits } from '../src/modules/common/money';

const root = process.argv[2] ?? '/work/shared/fixtures';
const amount = (minor: bigint | null): string => (minor === null ? '—' : formatMinorUnits(minor));

function describe(file: ParsedStatementFile): string[] {
  const lines = [`ACCEPTED ${file.format} ${file.version}`];
  for (const warning of file.warnings) lines.push(`  file warning: ${warning}`);
  for (const s of file.statements) {
    const sum = s.entries.reduce((total, entry) => total + entry.amountMinor, 0n);
    lines.push(
      `  ${s.location} id=${s.statementId ?? '—'} account=${s.accountIban ?? s.accountNumber ?? '—'}` +
        ` ${s.currency} ${s.fromDate ?? '?'}..${s.toDate ?? '?'} opening=${amount(s.openingBalanceMinor)}` +
        ` closing=${amount(s.closingBalanceMinor)} entries=${s.entries.length} sum=${amount(sum)}`,
    );
    for (const warning of s.warnings) lines.push(`    warning: ${warning}`);
    // Bank references are not always unique within a file: the import's dedupe must not rely
    // on them alone (the lead's content hash fallback).
    const seen = new Map<string, string[]>();
    for (const entry of s.entries) {
      if (entry.bankReference === null) continue;
      seen.set(entry.bankReference, [...(seen.get(entry.bankReference) ?? []), entry.location]);
    }
    for (const [reference, where] of seen)
      if (where.length > 1) lines.push(`    same bankReference ${reference}: ${where.join(', ')}`);
  }
  return lines;
}

for (const [folder, parse] of [
  ['camt053', parseCamt053],
  ['ofx', parseOfx],
] as const) {
  for (const name of readdirSync(join(root, folder)).sort()) {
    const text = readFileSync(join(root, folder, name), 'utf8');
    console.log(`\n${folder}/${name}`);
    try {
      for (const line of describe(parse(text))) console.log(line);
    } catch (error) {
      if (!(error instanceof StatementFileError)) throw error;
      console.log(`REFUSED at ${error.location}: ${error.message}`);
    }
  }
}
