/**
 * Exports (issue 31): the journal's 1,000,000 lines written by `createExport` as CSV and NDJSON,
 * against PostgreSQL's own COPY of the same SELECT on the same machine.
 *
 *   npm run bench:exports                       (backdesk_bench_1: 1,000,000 journal lines)
 *   npm run bench:exports -- --scale 0.1        (backdesk_bench_0_1: 100,000)
 *   BENCH_DATABASE=<name> npm run bench:exports
 *
 * The database is the benchmark data set (bench/data-set.ts: balanced entries written with SQL
 * set operations), built when missing (BENCH_REBUILD=1 rebuilds it). For each format, rounds of
 * (BENCH_EXPORT_ROUNDS, 3):
 * - COPY: the export's own statement (`exportCopySql`), `COPY (SELECT …) TO STDOUT`, read by a
 *   client here that only counts the bytes: what PostgreSQL itself takes to produce the file;
 * - export: `createExport` through the built server (`dist/src/main.js`, its job workers on),
 *   timed from the mutation to the export read back DONE (polled every 50 ms), and the job's own
 *   time (`finishedAt - startedAt`: COPY, SHA-256 and the chunks written in PostgreSQL);
 * - download: its `downloadUrl` streamed out of PostgreSQL, hashed here against `sha256`.
 * The ratio is the export's time over COPY's: the target is at most 3. Fails (exit 1) when a file
 * differs from its manifest or its rows from the journal's. Results: bench/results/exports.json.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { Client } from 'pg';
import { copyOut } from '../src/db/copy-out';
import { ExportFormat } from '../src/modules/compliance/export.entity';
import { exportCopySql } from '../src/modules/compliance/export.service';
import { JOURNAL_EXPORT } from '../src/modules/ledger/ledger.exports';
import { benchDatabaseName, buildBenchData } from './data-set';
import {
  adminDatabase,
  databaseExists,
  graphqlRequest,
  login,
  machine,
  ratio,
  runScript,
  startBackdeskProcess,
  withDatabase,
  writeResult,
} from './lib';

const CREATE = `mutation CreateExport($input: CreateExportInput!) {
  createExport(input: $input) { export { id } userErrors { code message } }
}`;
const READ = `query Export($id: ID!) {
  node(id: $id) { ... on Export { status rowCount byteCount sha256 error downloadUrl startedAt finishedAt } }
}`;

interface ExportState {
  status: string;
  rowCount: number | null;
  byteCount: number | null;
  sha256: string | null;
  error: string | null;
  downloadUrl: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

function parseScale(argv: string[]): number {
  const index = argv.indexOf('--scale');
  const scale = Number(index >= 0 ? argv[index + 1] : '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(`--scale takes a number from 0 to 100, got "${argv[index + 1]}"`);
  return scale;
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** PostgreSQL's COPY of the statement, read and dropped: seconds, rows and bytes. */
async function timeCopy(url: string, sql: string) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  const rows = await copyOut(url, sql, async (output) => {
    for await (const data of output) bytes += (data as Buffer).length;
  });
  return { seconds: seconds(started), rows, bytes };
}

/** createExport through the server until DONE, then the download checked against the manifest. */
async function timeExport(graphqlUrl: string, token: string, format: ExportFormat) {
  const started = process.hrtime.bigint();
  const created = await graphqlRequest<{
    createExport: { export: { id: string } | null; userErrors: { message: string }[] };
  }>(graphqlUrl, CREATE, { input: { kind: 'JOURNAL', format } }, token);
  const id = created.data?.createExport.export?.id;
  if (!id) throw new Error(`createExport: ${JSON.stringify(created)}`);
  let state: ExportState | undefined;
  for (;;) {
    const read = await graphqlRequest<{ node: ExportState }>(graphqlUrl, READ, { id }, token);
    state = read.data?.node;
    if (!state) throw new Error(`node: ${JSON.stringify(read)}`);
    if (state.status === 'FAILED') throw new Error(`export failed: ${state.error}`);
    if (state.status === 'DONE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const total = seconds(started);
  const job =
    (new Date(state.finishedAt as string).getTime() -
      new Date(state.startedAt as string).getTime()) /
    1000;
  const downloadStarted = process.hrtime.bigint();
  const response = await fetch(new URL(state.downloadUrl as string, graphqlUrl), {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`download: ${response.status}`);
  const hash = createHash('sha256');
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) newlines += 1;
  }
  const download = seconds(downloadStarted);
  if (hash.digest('hex') !== state.sha256 || bytes !== state.byteCount)
    throw new Error(`the file differs from its manifest (${bytes} bytes, ${state.byteCount})`);
  // No value of the journal holds a newline here: one line per row, and CSV's header.
  const expectedLines = (state.rowCount ?? 0) + (format === ExportFormat.CSV ? 1 : 0);
  if (newlines !== expectedLines)
    throw new Error(`${newlines} lines, the manifest says ${expectedLines}`);
  return {
    seconds: total,
    jobSeconds: job,
    downloadSeconds: download,
    rows: state.rowCount ?? 0,
    bytes,
  };
}

async function main(): Promise<void> {
  const scale = parseScale(process.argv);
  const database = process.env.BENCH_DATABASE ?? benchDatabaseName(scale);
  const rounds = Number(process.env.BENCH_EXPORT_ROUNDS ?? 3);
  const admin = await adminDatabase();
  try {
    if (
      !process.env.BENCH_DATABASE &&
      (process.env.BENCH_REBUILD === '1' || !(await databaseExists(admin.url, database)))
    )
      await buildBenchData({ adminUrl: admin.url, scale, database });
    const url = withDatabase(admin.url, database);
    const client = new Client({ connectionString: url });
    await client.connect();
    const lines = Number(
      (await client.query<{ n: string }>('SELECT count(*)::text AS n FROM journal_line')).rows[0].n,
    );
    const server = await startBackdeskProcess(url, { JOB_POLL_MS: '500' });
    try {
      const token = await login(server.graphqlUrl, 'accountant@example.com');
      const results = [];
      for (const format of [ExportFormat.CSV, ExportFormat.NDJSON]) {
        const sql = exportCopySql(JOURNAL_EXPORT, { from: null, to: null, scope: null }, format);
        const copies = [];
        const exports = [];
        // One unmeasured round of each warms the caches (and the server's code paths).
        await timeCopy(url, sql);
        await timeExport(server.graphqlUrl, token, format);
        for (let round = 0; round < rounds; round += 1) {
          copies.push(await timeCopy(url, sql));
          exports.push(await timeExport(server.graphqlUrl, token, format));
        }
        for (const run of [...copies, ...exports])
          if (run.rows !== lines) throw new Error(`${run.rows} rows written, ${lines} lines`);
        const copySeconds = median(copies.map((run) => run.seconds));
        const exportSeconds = median(exports.map((run) => run.seconds));
        const jobSeconds = median(exports.map((run) => run.jobSeconds));
        const downloadSeconds = median(exports.map((run) => run.downloadSeconds));
        results.push({
          format,
          rows: lines,
          bytes: exports[0].bytes,
          copySeconds: Number(copySeconds.toFixed(2)),
          exportSeconds: Number(exportSeconds.toFixed(2)),
          jobSeconds: Number(jobSeconds.toFixed(2)),
          downloadSeconds: Number(downloadSeconds.toFixed(2)),
          copyLinesPerSecond: Math.round(lines / copySeconds),
          exportLinesPerSecond: Math.round(lines / exportSeconds),
          ratio: ratio(exportSeconds, copySeconds),
          jobRatio: ratio(jobSeconds, copySeconds),
          rounds: { copies, exports },
        });
      }
      const result = {
        at: new Date().toISOString(),
        database,
        journalLines: lines,
        machine: await machine(url),
        load: os.loadavg(),
        target: 'export time at most 3 × COPY of the same SELECT',
        results,
      };
      const file = writeResult('exports', result);
      console.log(`${database}: ${lines.toLocaleString('en')} journal lines, median of ${rounds}`);
      console.log(
        '| format | MiB | COPY s | COPY lines/s | export s (job s) | export lines/s | ratio (job) | download s |',
      );
      console.log(
        '| ------ | --- | ------ | ------------ | ---------------- | -------------- | ----------- | ---------- |',
      );
      for (const row of results)
        console.log(
          `| ${row.format} | ${(row.bytes / 2 ** 20).toFixed(1)} | ${row.copySeconds} | ${row.copyLinesPerSecond.toLocaleString('en')} | ${row.exportSeconds} (${row.jobSeconds}) | ${row.exportLinesPerSecond.toLocaleString('en')} | ${row.ratio} (${row.jobRatio}) | ${row.downloadSeconds} |`,
        );
      console.log(
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; every file matched its manifest; wrote ${file}`,
      );
      const worst = Math.max(...results.map((row) => row.ratio));
      if (worst > 3) {
        console.log(`ratio ${worst} is above the target of 3`);
        process.exitCode = 1;
      }
    } finally {
      await server.stop();
      await client.end();
    }
  } finally {
    await admin.stop();
  }
}

runScript(main);
