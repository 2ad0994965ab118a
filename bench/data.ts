/**
 * Fills a database with the benchmark data set (see data-set.ts).
 *
 *   npm run bench:data -- --scale 0.1            (DATABASE_URL, or the embedded PostgreSQL)
 *   BENCH_DATABASE=backdesk_bench npm run bench:data -- --scale 1
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

async function main(): Promise<void> {
  const scale = parseScale(process.argv);
  const admin = await adminDatabase();
  try {
    await buildBenchData({ adminUrl: admin.url, scale });
  } finally {
    await admin.stop();
  }
}

runScript(main);
