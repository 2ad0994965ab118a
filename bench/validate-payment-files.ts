/**
 * Writes payment files with the project's writers and checks them against the published
 * schemas and samples in ../shared/fixtures (or the folder given as the first argument):
 * - pain.001.001.09 in EUR against the generic ISO XSD and the EPC SEPA credit transfer XSD,
 *   and in USD against the generic one, with `xmllint --schema` (Debian's libxml2-utils);
 * - a NACHA file beside the sample files of nacha/: record types, lengths and blocking.
 * Not part of the test suite (CI has no shared fixtures, nor the XSDs, which are never copied
 * into this repository); the tests assert what the schemas require.
 *
 *   npx tsc -p tsconfig.bench.json && node dist/bench/validate-payment-files.js [fixtures-dir]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNacha } from '../src/modules/employees/payment-formats/nacha';
import {
  writePain001,
  type CreditTransferFile,
} from '../src/modules/employees/payment-formats/pain001';

const root = process.argv[2] ?? '/work/shared/fixtures';
const xsd = (name: string) => join(root, 'iso20022', name);

function pain001(currency: string): CreditTransferFile {
  return {
    messageId: 'BD-PF-42-20270301080000',
    createdAt: new Date('2027-03-01T08:00:00.123Z'),
    initiatingParty: 'Backdesk Demo GmbH & Co. KG',
    executionDate: '2027-03-02',
    currency,
    debtorName: 'Backdesk Demo GmbH',
    debtorIban: 'DE89370400440532013000',
    debtorBic: currency === 'EUR' ? null : 'COBADEFFXXX',
    credits: [
      {
        endToEndId: 'BD-PF-42-1',
        amountMinor: 280_000n,
        creditorName: 'Zoë Ångström-Łukasiewicz ß 北京',
        creditorIban: 'FR1420041010050500013M02606',
        creditorBic: 'PSSTFRPPXXX',
        remittance: 'Salary 2027-02-01 to 2027-02-28',
      },
      {
        endToEndId: 'BD-PF-42-2',
        amountMinor: 142_857n,
        creditorName: 'Jo Leaver',
        creditorIban: 'NL91ABNA0417164300',
        creditorBic: null,
        remittance: 'Salary 2027-02-01 to 2027-02-28',
      },
    ],
  };
}

function validate(label: string, xml: string, schema: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pain001-'));
  const file = join(dir, 'file.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    console.log(`VALID   ${label} against ${schema}`);
    return true;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    console.log(`INVALID ${label} against ${schema}\n${stderr}`);
    return false;
  }
}

function describeNacha(label: string, text: string): void {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const lengths = [...new Set(lines.map((line) => line.length))].join(',');
  const types = lines.map((line) => (/^9+$/.test(line) ? '-' : line[0])).join('');
  console.log(`${label}: ${lines.length} records, lengths ${lengths}, types ${types}`);
  for (const line of lines.filter((l) => /^[158]/.test(l)).slice(0, 3)) console.log(`  ${line}`);
}

let ok = true;
if (!existsSync(join(root, 'iso20022'))) {
  console.log(`No ${root}/iso20022: nothing to validate against`);
} else {
  const euro = writePain001(pain001('EUR'));
  ok = validate('pain.001 EUR', euro, xsd('pain.001.001.09.xsd')) && ok;
  ok =
    validate('pain.001 EUR', euro, xsd('pain.001.001.09.EPC132-08_2023_V1.0_SCT_C2PSP.xsd')) && ok;
  ok = validate('pain.001 USD', writePain001(pain001('USD')), xsd('pain.001.001.09.xsd')) && ok;
}
describeNacha(
  'ours',
  writeNacha({
    bankRoutingNumber: '021000021',
    bankName: 'JPMorgan Chase',
    companyId: '1234567890',
    companyName: 'Backdesk Demo Inc',
    fileIdModifier: 'A',
    createdAt: new Date('2027-03-01T08:00:00Z'),
    effectiveDate: '2027-03-02',
    credits: [
      {
        transactionCode: '22',
        routingNumber: '011000015',
        accountNumber: '123456789',
        amountMinor: 280_000n,
        individualId: 'E-000042',
        individualName: 'Zoë Joiner',
      },
      {
        transactionCode: '32',
        routingNumber: '021000021',
        accountNumber: '99887766',
        amountMinor: 142_857n,
        individualId: 'E-000043',
        individualName: 'Jo Leaver',
      },
    ],
  }),
);
const nachaDir = join(root, 'nacha');
if (existsSync(nachaDir))
  for (const name of readdirSync(nachaDir).filter((n) => n.endsWith('.ach')))
    describeNacha(name, readFileSync(join(nachaDir, name), 'utf8'));
process.exitCode = ok ? 0 : 1;
