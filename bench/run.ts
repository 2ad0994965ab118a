/**
 * The whole benchmark suite in one go, against one PostgreSQL (`npm run bench`):
 * reads beside a raw-SQL ceiling and PostGraphile 5, queue-page growth from scale 0.1 to 1,
 * live delivery to 1,000 and 5,000 subscribers, and writes beside pgbench. Writes
 * bench/results/bench.json and bench/results/bench.md.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *   npm run bench                        (the embedded PostgreSQL under .data/bench-postgres)
 *
 * The data sets (`backdesk_bench_1`, `backdesk_bench_0_1`) are built when missing and reused
 * otherwise (BENCH_REBUILD=1 builds them afresh); live and write runs get fresh databases of their
 * own, so the read data set is never written to. Durations: see bench/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchDatabaseName, buildBenchData } from './data-set';
import {
  adminDatabase,
  databaseExists,
  machine,
  RESULTS_DIR,
  withDatabase,
  writeResult,
  type Machine,
  runScript,
} from './lib';
import { liveTable, runLive, type LiveResult } from './live';
import {
  loadFixture,
  markdownTable,
  measureReads,
  runReads,
  startReadTargets,
  type OperationStats,
  type ReadsResult,
} from './reads';
import { runWrites, writesTable, type WriteResult } from './writes';

const log = (line: string) => console.error(`[bench] ${line}`);

async function dataSet(adminUrl: string, scale: number): Promise<{ url: string; name: string }> {
  const name = benchDatabaseName(scale);
  if (process.env.BENCH_REBUILD !== '1' && (await databaseExists(adminUrl, name))) {
    log(`reusing ${name}`);
    return { url: withDatabase(adminUrl, name), name };
  }
  log(`building ${name} (scale ${scale})`);
  const url = await buildBenchData({ adminUrl, scale, database: name, log });
  return { url, name };
}

interface Growth {
  small: { scale: number; stats: OperationStats };
  large: { scale: number; stats: OperationStats };
  p99Ratio: number;
}

/** The queue page on the small and the large data set, Backdesk alone, one after the other. */
async function measureGrowth(
  small: { url: string; scale: number },
  large: { url: string; scale: number },
): Promise<Growth> {
  const measure = async (url: string) => {
    const fixture = await loadFixture(url);
    const started = await startReadTargets(url, ['backdesk'], log);
    try {
      const stats = await runReads({
        target: started.targets.backdesk as NonNullable<typeof started.targets.backdesk>,
        fixture,
        operations: ['ticketQueue'],
      });
      return stats.ticketQueue as OperationStats;
    } finally {
      await started.stop();
    }
  };
  const smallStats = await measure(small.url);
  const largeStats = await measure(large.url);
  return {
    small: { scale: small.scale, stats: smallStats },
    large: { scale: large.scale, stats: largeStats },
    p99Ratio: Math.round((largeStats.p99 / smallStats.p99) * 100) / 100,
  };
}

interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

function verdicts(
  reads: ReadsResult,
  growth: Growth,
  live: LiveResult[],
  writes: WriteResult,
): Verdict[] {
  const list: Verdict[] = [];
  for (const [operation, row] of Object.entries(reads.operations)) {
    if (!row) continue;
    list.push({
      target: `${operation}: at least as fast as PostGraphile`,
      measured: `ours/PostGraphile ${row.oursOverPostgraphile ?? 'n/a'}`,
      met: (row.oursOverPostgraphile ?? 0) >= 1,
    });
    list.push({
      target: `${operation}: at least 40% of the raw-SQL ceiling`,
      measured: `ours/raw ${row.oursOverRaw ?? 'n/a'}`,
      met: (row.oursOverRaw ?? 0) >= 0.4,
    });
  }
  for (const name of ['placeOrder', 'postJournalEntry'] as const) {
    list.push({
      target: `${name}: at least 30% of pgbench TPC-B tps`,
      measured: `${writes[name].perSecond}/s vs ${writes.pgbench.tps} tps = ${writes.ratios[name]}`,
      met: writes.ratios[name] >= 0.3,
    });
  }
  const delivery = live.find((run) => run.eventsPerSecond > 1);
  if (delivery) {
    list.push({
      target: `${delivery.subscribers} subscribers at ${delivery.eventsPerSecond} events/s: p99 under 100 ms, none lost`,
      measured: `p99 ${delivery.latency.p99} ms, lost ${delivery.lost} of ${delivery.expectedDeliveries}`,
      met: delivery.latency.p99 < 100 && delivery.lost === 0,
    });
  }
  const held = live.reduce<LiveResult | undefined>(
    (most, run) => (!most || run.subscribers > most.subscribers ? run : most),
    undefined,
  );
  if (held) {
    const kib = Math.round((held.memory.rssPerConnection / 1024) * 10) / 10;
    list.push({
      target: `${held.subscribers} subscribers held under 15 KiB of server memory each`,
      measured: `${kib} KiB per connection (RSS)`,
      met: held.memory.rssPerConnection < 15 * 1024,
    });
  }
  list.push({
    target: 'queue page p99 at scale 1 within 1.5× of scale 0.1',
    measured: `${growth.large.stats.p99} ms vs ${growth.small.stats.p99} ms = ${growth.p99Ratio}×`,
    met: growth.p99Ratio <= 1.5,
  });
  return list;
}

function report(
  host: Machine,
  reads: ReadsResult,
  growth: Growth,
  live: LiveResult[],
  writes: WriteResult,
  checks: Verdict[],
): string {
  return [
    `# Benchmark run ${new Date().toISOString()}`,
    '',
    `Machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, PostgreSQL ${host.postgres}.`,
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...checks.map(
      (check) => `| ${check.target} | ${check.measured} | ${check.met ? 'yes' : 'no'} |`,
    ),
    '',
    `## Reads (${reads.database}, ${reads.connections} connections, ${reads.seconds} s each in ${reads.rounds} alternating rounds, after ${reads.warmupSeconds} s warm-up)`,
    '',
    markdownTable(reads),
    '',
    '## Growth: ticket queue page, Backdesk',
    '',
    '| scale | requests/s | p50 | p99 |',
    '| --- | --- | --- | --- |',
    ...[growth.small, growth.large].map(
      ({ scale, stats }) =>
        `| ${scale} | ${stats.requestsPerSecond} | ${stats.p50} ms | ${stats.p99} ms |`,
    ),
    '',
    '## Live',
    '',
    liveTable(live),
    '',
    '## Writes',
    '',
    writesTable(writes),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const admin = await adminDatabase();
  try {
    const large = await dataSet(admin.url, 1);
    const small = await dataSet(admin.url, 0.1);
    const host = await machine(large.url);
    log(`${host.cores} cores, Node ${host.node}, PostgreSQL ${host.postgres}`);

    log('reads');
    const reads = await measureReads({ databaseUrl: large.url, database: large.name, log });
    log('growth');
    const growth = await measureGrowth(
      { url: small.url, scale: 0.1 },
      { url: large.url, scale: 1 },
    );

    // Live and write runs write: each gets a fresh small database of its own.
    const scratch = (database: string) =>
      buildBenchData({ adminUrl: admin.url, scale: 0.1, database, log: () => undefined });
    log('live');
    const liveUrl = await scratch('backdesk_bench_live');
    const live: LiveResult[] = [];
    live.push(
      await runLive({
        databaseUrl: liveUrl,
        subscribers: 1000,
        eventsPerSecond: 50,
        forceGc: false,
      }),
    );
    live.push(
      await runLive({ databaseUrl: liveUrl, subscribers: 5000, eventsPerSecond: 1, seconds: 5 }),
    );

    log('writes');
    const writesUrl = await scratch('backdesk_bench_writes');
    const writes = await runWrites({ adminUrl: admin.url, databaseUrl: writesUrl });

    const checks = verdicts(reads, growth, live, writes);
    const markdown = report(host, reads, growth, live, writes, checks);
    const json = writeResult('bench', { machine: host, checks, reads, growth, live, writes });
    fs.writeFileSync(path.join(RESULTS_DIR, 'bench.md'), markdown);
    console.log(markdown);
    log(`written to ${path.relative(process.cwd(), json)} and bench/results/bench.md`);
  } finally {
    await admin.stop();
  }
}

runScript(main);
