/**
 * The cash flow statement on the benchmark data set: how long `cashFlowStatement` takes over a
 * year, through the real server over HTTP, and its proof checked on every answer.
 *
 *   npm run bench:cash-flow -- --scale 0.1      (database backdesk_bench_0_1)
 *   npm run bench:cash-flow -- --scale 1        (backdesk_bench_1: 1,000,000 journal lines)
 *   BENCH_DATABASE=<name> npm run bench:cash-flow
 *
 * The database is built first when missing (bench/data-set.ts; BENCH_REBUILD=1 rebuilds it). The
 * built server (`dist/src/main.js`) runs in a process of its own, without job workers. One client,
 * one request at a time, as the accountant: the last 365 days (`year`), the same with `previous`
 * (`year + previous`: two statements), and every line ever posted (`all`), BENCH_CASH_FLOW_ROUNDS
 * (20) rounds after two unmeasured ones.
 *
 * Fails loudly (exit 1) when an answer has errors, when `proofDifference` is not zero, or when
 * openingCash and closingCash differ from the cash accounts' balances summed in SQL here, apart
 * from the server. Results go to bench/results/cash-flow-<database>.json.
 */
import 'reflect-metadata';
import os from 'node:os';
import { Client } from 'pg';
import { formatMinorUnits } from '../src/modules/common/money';
import { addDays } from '../src/modules/common/calendar-dates';
import { benchDatabaseName, buildBenchData } from './data-set';
import {
  adminDatabase,
  databaseExists,
  graphqlRequest,
  login,
  machine,
  percentile,
  runScript,
  startBackdeskProcess,
  withDatabase,
  writeResult,
} from './lib';

const STATEMENT = `
  fragment Figures on CashFlowStatement {
    from to
    operating { amount } investing { amount } financing { amount } netChange { amount }
    openingCash { amount } closingCash { amount } proofDifference { amount }
    rows { section label amount { amount } }
  }
  query CashFlow($from: Date!, $to: Date!, $previous: Boolean!) {
    cashFlowStatement(from: $from, to: $to) {
      ...Figures
      previous @include(if: $previous) { ...Figures }
    }
  }`;

interface Figures {
  from: string;
  to: string;
  netChange: { amount: string };
  openingCash: { amount: string };
  closingCash: { amount: string };
  proofDifference: { amount: string };
  rows: { section: string; label: string; amount: { amount: string } }[];
  previous?: Figures | null;
}

function parseScale(argv: string[]): number {
  const index = argv.indexOf('--scale');
  const scale = Number(index >= 0 ? argv[index + 1] : '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(`--scale takes a number from 0 to 100, got "${argv[index + 1]}"`);
  return scale;
}

/** The cash accounts' balance (debits minus credits) at the end of a day, summed in SQL. */
async function cashAt(client: Client, day: string): Promise<string> {
  const { rows } = await client.query<{ total: string }>(
    `SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0)::text AS total
       FROM journal_line l JOIN account a ON a.id = l.account_id
      WHERE a.cash_flow_section = 'CASH' AND l.entry_date <= $1::date`,
    [day],
  );
  return formatMinorUnits(BigInt(rows[0].total));
}

/** Throws unless the statement proves and its cash figures agree with SQL. */
async function check(client: Client, statement: Figures, what: string): Promise<void> {
  if (statement.proofDifference.amount !== '0.00')
    throw new Error(
      `${what}: proofDifference is ${statement.proofDifference.amount}, not 0.00 (netChange ${statement.netChange.amount}, cash ${statement.openingCash.amount} → ${statement.closingCash.amount})`,
    );
  const opening = await cashAt(client, addDays(statement.from, -1));
  const closing = await cashAt(client, statement.to);
  if (opening !== statement.openingCash.amount || closing !== statement.closingCash.amount)
    throw new Error(
      `${what}: cash ${statement.openingCash.amount} → ${statement.closingCash.amount} in the statement, ${opening} → ${closing} in SQL`,
    );
  if (statement.previous) await check(client, statement.previous, `${what}, previous`);
}

async function main(): Promise<void> {
  const scale = parseScale(process.argv);
  const database = benchDatabaseName(scale);
  const rounds = Number(process.env.BENCH_CASH_FLOW_ROUNDS ?? 20);
  const admin = await adminDatabase();
  try {
    if (process.env.BENCH_REBUILD === '1' || !(await databaseExists(admin.url, database)))
      await buildBenchData({ adminUrl: admin.url, scale, database });
    const url = withDatabase(admin.url, database);
    const client = new Client({ connectionString: url });
    await client.connect();
    const server = await startBackdeskProcess(url, { RUN_WORKERS: 'false' });
    try {
      const token = await login(server.graphqlUrl, 'accountant@example.com');
      const [{ today, lines }] = (
        await client.query<{ today: string; lines: string }>(
          "SELECT to_char(current_date, 'YYYY-MM-DD') AS today, (SELECT count(*) FROM journal_line)::text AS lines",
        )
      ).rows;
      const cases = [
        { name: 'year', from: addDays(today, -364), to: today, previous: false },
        { name: 'year + previous', from: addDays(today, -364), to: today, previous: true },
        { name: 'all', from: '2000-01-01', to: today, previous: false },
      ];
      const results = [];
      for (const run of cases) {
        const times: number[] = [];
        let last: Figures | undefined;
        for (let round = -2; round < rounds; round += 1) {
          const started = process.hrtime.bigint();
          const answer = await graphqlRequest<{ cashFlowStatement: Figures }>(
            server.graphqlUrl,
            STATEMENT,
            { from: run.from, to: run.to, previous: run.previous },
            token,
          );
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (answer.errors?.length || !answer.data)
            throw new Error(`${run.name}: ${JSON.stringify(answer.errors ?? answer)}`);
          last = answer.data.cashFlowStatement;
          if (round >= 0) times.push(ms);
        }
        if (!last) throw new Error(`${run.name}: no answer`);
        await check(client, last, run.name);
        times.sort((a, b) => a - b);
        results.push({
          case: run.name,
          from: run.from,
          to: run.to,
          rounds,
          p50Ms: Number(percentile(times, 50).toFixed(1)),
          p95Ms: Number(percentile(times, 95).toFixed(1)),
          maxMs: Number(times[times.length - 1].toFixed(1)),
          netChange: last.netChange.amount,
          openingCash: last.openingCash.amount,
          closingCash: last.closingCash.amount,
          proofDifference: last.proofDifference.amount,
          rows: last.rows.length,
        });
      }
      const result = {
        at: new Date().toISOString(),
        database,
        journalLines: Number(lines),
        machine: await machine(url),
        load: os.loadavg(),
        results,
      };
      const file = writeResult(`cash-flow-${database}`, result);
      console.log(`${database}: ${Number(lines).toLocaleString('en')} journal lines`);
      console.log(
        '| period | p50 ms | p95 ms | max ms | opening cash | closing cash | net change | proof |',
      );
      console.log(
        '| ------ | ------ | ------ | ------ | ------------ | ------------ | ---------- | ----- |',
      );
      for (const row of results)
        console.log(
          `| ${row.case} (${row.from} to ${row.to}) | ${row.p50Ms} | ${row.p95Ms} | ${row.maxMs} | ${row.openingCash} | ${row.closingCash} | ${row.netChange} | ${row.proofDifference} |`,
        );
      console.log(
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; proof zero and cash agreeing with SQL on every case; wrote ${file}`,
      );
    } finally {
      await server.stop();
      await client.end();
    }
  } finally {
    await admin.stop();
  }
}

runScript(main);
