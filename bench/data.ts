/**
 * Fills a database with the benchmark data set (see data-set.ts).
 *
 *   npm run bench:data -- --scale 0.1            (DATABASE_URL, or the embedded PostgreSQL)
 *   BENCH_DATABASE=backdesk_bench npm run bench:data -- --scale 1
 *   npm run bench:data -- --scale 1 --messages 1000000   (250,000 tickets; database backdesk_bench_1_m1000000)
 *
 * The database is created afresh, migrated and seeded with the demo data first.
 */
import { buildBenchData } from './data-set';
import { adminDatabase, runScript } from './lib';

function parseScale(argv: string[]): number {
  const index = argv.indexOf('--scale');
  const raw = index >= 0 ? argv[index + 1] : '1';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(`--scale takes a number from 0 to 100, got "${raw}"`);
  return scale;
}

function parseMessages(argv: string[]): number | undefined {
  const index = argv.indexOf('--messages');
  if (index < 0) return undefined;
  const messages = Number(argv[index + 1]);
  if (!Number.isInteger(messages) || messages < 4 || messages > 20_000_000)
    throw new Error(
      `--messages takes a whole number from 4 to 20,000,000, got "${argv[index + 1]}"`,
    );
  return messages;
}

async function main(): Promise<void> {
  const scale = parseScale(process.argv);
  const messages = parseMessages(process.argv);
  const admin = await adminDatabase();
  try {
    await buildBenchData({ adminUrl: admin.url, scale, messages });
  } finally {
    await admin.stop();
  }
}

runScript(main);
