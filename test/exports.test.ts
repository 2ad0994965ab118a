import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import {
  AccountsDocument,
  CreateCustomerDocument,
  CreateExportDocument,
  ExportNodeDocument,
  ExportsDocument,
  JobsDocument,
  PostJournalEntryDocument,
  type CreateExportInput,
  type ExportFieldsFragment,
  type ExportKind,
} from './generated/graphql';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';
import { toGlobalId } from '../src/graphql/global-id';

/**
 * Exports: every kind in both formats against the seeded data, the manifest against the bytes,
 * values that CSV and JSON must escape, the period, who may export and download what, signed
 * links, a failing job and its retry, and the audit trail of downloads.
 */

const KINDS: ExportKind[] = [
  'AUDIT_TRAIL',
  'JOURNAL',
  'INVOICES',
  'TICKETS',
  'CUSTOMERS',
  'ORDERS',
  'BILLS',
];

/** How many rows each kind holds, counted in SQL the way its declaration selects them. */
const COUNT_SQL: Record<ExportKind, string> = {
  AUDIT_TRAIL: 'SELECT count(*)::int AS n FROM audit_record WHERE seq IS NOT NULL',
  JOURNAL: 'SELECT count(*)::int AS n FROM journal_line',
  INVOICES: 'SELECT count(*)::int AS n FROM invoice',
  TICKETS: 'SELECT count(*)::int AS n FROM ticket',
  CUSTOMERS: 'SELECT count(*)::int AS n FROM customer',
  ORDERS: 'SELECT count(*)::int AS n FROM "order"',
  BILLS: 'SELECT count(*)::int AS n FROM bill',
};

/** A value that CSV must quote and JSON escape: commas, quotes, newlines, backslashes, Unicode. */
const AWKWARD = 'Müller, "Ünïcødé" \\ back\\slash\r\nnew line; tab\there 😀 \\N end\\';

let server: TestServer;
const clock = new ManualClock();
let db: pg.Client;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // Jobs are looked for every half second: each export is a job the tests wait for.
  server = await startTestServer({ JOB_POLL_MS: '500' }, { clock });
  db = new pg.Client({ connectionString: server.database.url });
  await db.connect();
  // Records in the audit trail (sealed as they commit), one with a value to escape.
  await db.query(
    `INSERT INTO audit_record (kind, action, result, detail, ip)
       SELECT 'SYSTEM', 'test:' || i, 'OK', jsonb_build_object('note', $1::text, 'i', i), '127.0.0.1'
         FROM generate_series(1, 3) AS i`,
    [AWKWARD],
  );
  for (const [role, email] of Object.entries({
    compliance: 'compliance@example.com',
    accountant: 'accountant@example.com',
    agent: 'agent@example.com',
    reporting: 'reports@example.com',
    hr: 'hr@example.com',
    admin: 'admin@example.com',
  }))
    tokens[role] = await server.login(email);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.close();
});

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return rows[0].n;
}

/** Asks for an export and waits until its job has finished (DONE or FAILED). */
async function exportAs(
  token: string,
  input: CreateExportInput,
  wait: ExportFieldsFragment['status'][] = ['DONE', 'FAILED'],
): Promise<ExportFieldsFragment> {
  const created = await server.request(CreateExportDocument, { input }, token);
  expect(created.errors).toBeUndefined();
  expect(created.data?.createExport.userErrors).toEqual([]);
  const id = created.data?.createExport.export?.id as string;
  return waitFor(id, token, wait);
}

async function waitFor(
  id: string,
  token: string,
  statuses: ExportFieldsFragment['status'][],
): Promise<ExportFieldsFragment> {
  const node = await until(
    () => server.request(ExportNodeDocument, { id }, token),
    (result) =>
      result.data?.node?.__typename === 'Export' && statuses.includes(result.data.node.status),
    `export ${id} to be ${statuses.join(' or ')}`,
  );
  return node.data?.node as ExportFieldsFragment;
}

interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function download(path: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  } satisfies Download;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The rows of a downloaded file, as objects keyed by column. */
function rowsOf(format: 'CSV' | 'NDJSON', body: Buffer): Record<string, unknown>[] {
  const text = body.toString('utf8');
  if (format === 'CSV')
    return parse(text, { columns: true, bom: false }) as Record<string, string>[];
  return text
    .split('\n')
    .filter((line, index, lines) => !(line === '' && index === lines.length - 1))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Downloads a DONE export through its signed link and checks it against its manifest. */
async function checkedFile(done: ExportFieldsFragment) {
  expect(done.status).toBe('DONE');
  const file = await download(done.downloadUrl as string);
  expect(file.status).toBe(200);
  const manifest = done.manifest as Record<string, unknown>;
  expect(sha256(file.body)).toBe(done.sha256);
  expect(manifest.sha256).toBe(done.sha256);
  expect(file.body.length).toBe(done.byteCount);
  expect(manifest.byteCount).toBe(done.byteCount);
  expect(file.headers.get('etag')).toBe(`"${done.sha256}"`);
  expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
  const rows = rowsOf(done.format, file.body);
  expect(rows).toHaveLength(done.rowCount as number);
  expect(manifest.rowCount).toBe(done.rowCount);
  const text = file.body.toString('utf8');
  if (done.format === 'CSV') {
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    // One header line naming the columns.
    expect(text.slice(0, text.indexOf('\n'))).toBe(done.columns.join(','));
  } else {
    expect(file.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    for (const row of rows) expect(Object.keys(row)).toEqual(done.columns);
    expect(text.endsWith('\n') || text === '').toBe(true);
  }
  return { rows, body: file.body };
}

describe('each kind, in each format', () => {
  it.each(KINDS.flatMap((kind) => (['CSV', 'NDJSON'] as const).map((format) => [kind, format])))(
    'writes %s as %s, with a manifest that matches the file',
    async (kind, format) => {
      const done = await exportAs(tokens.compliance, {
        kind: kind as ExportKind,
        format: format as 'CSV' | 'NDJSON',
      });
      const { rows } = await checkedFile(done);
      const expected = await count(COUNT_SQL[kind as ExportKind]);
      expect(expected).toBeGreaterThan(0);
      if (kind === 'AUDIT_TRAIL') {
        // Sealed records only, and more are sealed as the test goes: at least those before it.
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.length).toBeLessThanOrEqual(expected);
        const seqs = rows.map((row) => Number(row.seq));
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      } else expect(rows).toHaveLength(expected);
      expect(done.scope).toBeNull();
    },
    30_000,
  );

  it('writes the journal with decimals, accounts and entries', async () => {
    const done = await exportAs(tokens.accountant, { kind: 'JOURNAL', format: 'NDJSON' });
    const { rows } = await checkedFile(done);
    const { rows: sums } = await db.query<{ debit: string; credit: string }>(
      'SELECT (sum(debit_minor) * 0.01)::text AS debit, (sum(credit_minor) * 0.01)::text AS credit FROM journal_line',
    );
    const total = (column: string) =>
      rows.reduce((sum, row) => sum + BigInt(String(row[column]).replace('.', '')), 0n);
    expect(`${total('debit')}`).toBe(sums[0].debit.replace('.', ''));
    expect(total('debit')).toBe(total('credit'));
    for (const row of rows) {
      expect(row.debit).toMatch(/^\d+\.\d{2}$/);
      expect(row.account_code).toEqual(expect.any(String));
      expect(row.entry_number).toEqual(expect.any(Number));
    }
  });
});

describe('values CSV and JSON must escape', () => {
  it('round-trips commas, quotes, newlines, backslashes and Unicode in both formats', async () => {
    const created = await server.request(
      CreateCustomerDocument,
      { input: { name: AWKWARD, email: 'awkward@example.org', company: 'a\\b,"c"' } },
      tokens.agent,
    );
    const customerId = created.data?.createCustomer.customer?.id as string;
    expect(customerId).toBeTruthy();
    const accounts = await server.request(AccountsDocument, { first: 100 }, tokens.accountant);
    const code = (wanted: string) =>
      accounts.data?.accounts.nodes.find((node) => node.code === wanted)?.id as string;
    const posted = await server.request(
      PostJournalEntryDocument,
      {
        input: {
          date: '2031-03-15',
          memo: AWKWARD,
          lines: [
            { accountId: code('1000'), debit: '12.34', memo: 'line "one"\n\\' },
            { accountId: code('3000'), credit: '12.34' },
          ],
        },
      },
      tokens.accountant,
    );
    expect(posted.data?.postJournalEntry.userErrors).toEqual([]);
    for (const format of ['CSV', 'NDJSON'] as const) {
      const customers = await checkedFile(
        await exportAs(tokens.compliance, { kind: 'CUSTOMERS', format }),
      );
      const customer = customers.rows.find((row) => row.id === customerId);
      expect(customer?.name).toBe(AWKWARD);
      expect(customer?.company).toBe('a\\b,"c"');
      const journal = await checkedFile(
        await exportAs(tokens.accountant, {
          kind: 'JOURNAL',
          format,
          from: '2031-03-15',
          to: '2031-03-15',
        }),
      );
      expect(journal.rows).toHaveLength(2);
      expect(journal.rows.map((row) => row.entry_memo)).toEqual([AWKWARD, AWKWARD]);
      expect(journal.rows[0].line_memo).toBe('line "one"\n\\');
      expect(journal.rows[0].debit).toBe('12.34');
      expect(journal.rows[1].credit).toBe('12.34');
      // An empty value and a missing one: CSV writes both as nothing, JSON tells them apart.
      expect(journal.rows[1].line_memo).toBe(format === 'CSV' ? '' : null);
    }
  });

  it('writes a file of many chunks, streamed out whole', async () => {
    // About 3 MiB of customers, made in SQL: more than two chunks of 1 MiB.
    await db.query(
      `INSERT INTO customer (name, email, company)
         SELECT 'Bulk ' || i || ' ' || repeat('x', 200), 'bulk-' || i || '@example.org', 'Bulk, "Inc"'
           FROM generate_series(1, 12000) AS i`,
    );
    const done = await exportAs(tokens.compliance, { kind: 'CUSTOMERS', format: 'CSV' });
    expect(done.byteCount).toBeGreaterThan(2 * 1024 * 1024);
    const { rows } = await checkedFile(done);
    expect(rows).toHaveLength(await count(COUNT_SQL.CUSTOMERS));
    const { rows: chunks } = await db.query<{ n: number; size: number }>(
      `SELECT n, octet_length(bytes) AS size FROM data_export_chunk
         WHERE export_id = (SELECT max(id) FROM data_export) ORDER BY n`,
    );
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((chunk) => chunk.n)).toEqual(chunks.map((_chunk, index) => index));
    for (const chunk of chunks.slice(0, -1)) expect(chunk.size).toBe(1024 * 1024);
    expect(chunks.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(done.byteCount);
  }, 60_000);
});

describe('the period', () => {
  it('keeps the rows dated from the first day to the last, inclusive', async () => {
    const { rows: days } = await db.query<{ first: string; last: string }>(
      `SELECT min(entry_date)::text AS first, max(entry_date)::text AS last FROM journal_line`,
    );
    const from = days[0].first;
    const to = days[0].first;
    const done = await exportAs(tokens.accountant, { kind: 'JOURNAL', format: 'CSV', from, to });
    const { rows } = await checkedFile(done);
    expect(done.from).toBe(from);
    expect(done.to).toBe(to);
    expect(rows.length).toBe(
      await count('SELECT count(*)::int AS n FROM journal_line WHERE entry_date = $1', [from]),
    );
    for (const row of rows) expect(row.entry_date).toBe(from);
    expect((done.manifest as { filters: unknown }).filters).toEqual({
      from,
      to,
      scope: null,
      scopeDescription: null,
    });

    // Timestamps are bounded by the UTC days: tickets created on the first day of the list.
    const { rows: ticketDays } = await db.query<{ day: string }>(
      `SELECT (min(created_at) AT TIME ZONE 'UTC')::date::text AS day FROM ticket`,
    );
    const day = ticketDays[0].day;
    const tickets = await exportAs(tokens.compliance, {
      kind: 'TICKETS',
      format: 'NDJSON',
      from: day,
      to: day,
    });
    const ticketRows = (await checkedFile(tickets)).rows;
    expect(ticketRows.length).toBe(
      await count(
        `SELECT count(*)::int AS n FROM ticket WHERE (created_at AT TIME ZONE 'UTC')::date = $1`,
        [day],
      ),
    );
    for (const row of ticketRows) expect(String(row.created_at).slice(0, 10)).toBe(day);
  });

  it('refuses a period that ends before it starts', async () => {
    const result = await server.request(
      CreateExportDocument,
      { input: { kind: 'JOURNAL', format: 'CSV', from: '2030-02-01', to: '2030-01-31' } },
      tokens.accountant,
    );
    expect(result.data?.createExport.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'to'] }),
    ]);
    expect(result.data?.createExport.export).toBeNull();
  });
});

describe('who may export what', () => {
  it('lets each role export the lists it reads, and refuses the others as a user error', async () => {
    const cases: [string, ExportKind, boolean][] = [
      ['accountant', 'JOURNAL', true],
      ['accountant', 'BILLS', true],
      ['accountant', 'INVOICES', true],
      ['accountant', 'AUDIT_TRAIL', false],
      ['accountant', 'TICKETS', false],
      ['agent', 'TICKETS', true],
      ['agent', 'INVOICES', true],
      ['agent', 'JOURNAL', false],
      ['agent', 'AUDIT_TRAIL', false],
      ['reporting', 'TICKETS', true],
      ['reporting', 'ORDERS', true],
      ['reporting', 'JOURNAL', false],
      ['admin', 'AUDIT_TRAIL', true],
    ];
    for (const [role, kind, allowed] of cases) {
      const result = await server.request(
        CreateExportDocument,
        { input: { kind, format: 'CSV' } },
        tokens[role],
      );
      expect([role, kind, result.data?.createExport.userErrors.map((error) => error.code)]).toEqual(
        [role, kind, allowed ? [] : ['EXPORT_NOT_ALLOWED']],
      );
      expect(Boolean(result.data?.createExport.export)).toBe(allowed);
    }
    // A role that reads no exportable list may not call it at all.
    const hr = await server.request(
      CreateExportDocument,
      { input: { kind: 'JOURNAL', format: 'CSV' } },
      tokens.hr,
    );
    expect(hr.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('exports customer tickets only to a viewer who does not read the IT queue', async () => {
    expect(await count(`SELECT count(*)::int AS n FROM ticket WHERE queue = 'IT'`)).toBeGreaterThan(
      0,
    );
    const agent = await exportAs(tokens.agent, { kind: 'TICKETS', format: 'NDJSON' });
    expect(agent.scope).toBe('CUSTOMER_QUEUE');
    const agentRows = (await checkedFile(agent)).rows;
    expect(agentRows.length).toBe(
      await count(`SELECT count(*)::int AS n FROM ticket WHERE queue = 'CUSTOMER'`),
    );
    for (const row of agentRows) expect(row.queue).toBe('CUSTOMER');

    const reporting = await exportAs(tokens.reporting, { kind: 'TICKETS', format: 'NDJSON' });
    expect(reporting.scope).toBeNull();
    expect((await checkedFile(reporting)).rows.length).toBe(await count(COUNT_SQL.TICKETS));
    // No message of any kind: ticket fields only.
    expect(reporting.columns).not.toContain('body');
  });

  it("lists a viewer's own exports, and everyone's to auditors", async () => {
    const mine = await exportAs(tokens.accountant, { kind: 'INVOICES', format: 'CSV' });
    const theirs = await exportAs(tokens.agent, { kind: 'INVOICES', format: 'CSV' });
    const listed = async (token: string) => {
      const ids: string[] = [];
      let after: string | null | undefined;
      for (;;) {
        const page = await server.request(ExportsDocument, { first: 100, after }, token);
        ids.push(...(page.data?.exports.nodes.map((node) => node.id) ?? []));
        if (!page.data?.exports.pageInfo.hasNextPage) return ids;
        after = page.data.exports.pageInfo.endCursor;
      }
    };
    const accountant = await listed(tokens.accountant);
    expect(accountant).toContain(mine.id);
    expect(accountant).not.toContain(theirs.id);
    const compliance = await listed(tokens.compliance);
    expect(compliance).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    // node(id): the requester and auditors read it, others get null.
    expect(
      (await server.request(ExportNodeDocument, { id: mine.id }, tokens.agent)).data?.node,
    ).toBe(null);
    const node = await server.request(ExportNodeDocument, { id: mine.id }, tokens.compliance);
    expect(node.data?.node).toMatchObject({
      id: mine.id,
      requestedBy: { email: 'accountant@example.com' },
    });
  });
});

describe('downloads', () => {
  let done: ExportFieldsFragment;
  let path: string;

  beforeAll(async () => {
    done = await exportAs(tokens.accountant, { kind: 'JOURNAL', format: 'CSV' });
    path = (done.downloadUrl as string).split('?')[0];
  });

  it('answers the bearer token of those who may read the export, and refuses the others', async () => {
    expect(path).toBe(`/exports/${done.id}.csv`);
    const owner = await download(path, tokens.accountant);
    expect(owner.status).toBe(200);
    expect(sha256(owner.body)).toBe(done.sha256);
    expect((await download(path, tokens.compliance)).status).toBe(200);
    const other = await download(path, tokens.agent);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body.toString())).toEqual({
      error: { code: 'FORBIDDEN', message: expect.any(String) },
    });
    expect((await download(path)).status).toBe(401);
    // The client that has the bytes is told so.
    const again = await download(path, tokens.accountant, { 'if-none-match': `"${done.sha256}"` });
    expect(again.status).toBe(304);
  });

  it('serves the manifest as JSON, the same as the API answers it', async () => {
    const manifestPath = (done.manifestUrl as string).split('?')[0];
    expect(manifestPath).toBe(`/exports/${done.id}/manifest.json`);
    const signed = await download(done.manifestUrl as string);
    expect(signed.status).toBe(200);
    expect(JSON.parse(signed.body.toString())).toEqual(done.manifest);
    expect(done.manifest).toMatchObject({
      kind: 'JOURNAL',
      format: 'CSV',
      header: true,
      columns: done.columns,
      file: `${done.id}.csv`,
    });
    expect((await download(manifestPath, tokens.agent)).status).toBe(403);
  });

  it('answers a signed link until it expires, and no altered one', async () => {
    expect((await download(done.downloadUrl as string)).status).toBe(200);
    const forged = (done.downloadUrl as string).replace(/signature=([0-9a-f])/, (_all, first) =>
      first === '0' ? 'signature=1' : 'signature=0',
    );
    expect((await download(forged)).status).toBe(403);
    // The link was signed for 15 minutes.
    clock.advance(16);
    const expired = await download(done.downloadUrl as string);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.body.toString()).error.message).toMatch(/expired/);
    // A new link opens it again.
    const fresh = await server.request(ExportNodeDocument, { id: done.id }, tokens.accountant);
    const url = (fresh.data?.node as ExportFieldsFragment).downloadUrl as string;
    expect((await download(url)).status).toBe(200);
  });

  it('answers 404 for an export that does not exist or a path that names none', async () => {
    const missing = toGlobalId('Export', 999999);
    expect((await download(`/exports/${missing}.csv`, tokens.compliance)).status).toBe(404);
    expect(
      (await download(`/exports/${toGlobalId('Invoice', 1)}.csv`, tokens.compliance)).status,
    ).toBe(404);
    expect((await download(`/exports/${done.id}.ndjson`, tokens.accountant)).status).toBe(404);
    expect((await download(`/exports/${done.id}.pdf`, tokens.accountant)).status).toBe(404);
  });

  it('records every download and refusal in the audit trail', async () => {
    const target = done.id;
    const records = await until(
      async () =>
        (
          await db.query<{
            result: string;
            actor_id: string | null;
            ip: string;
            request_id: string;
          }>(
            `SELECT result, actor_id::text, ip, request_id FROM audit_record
               WHERE kind = 'READ' AND action = 'download:Export' AND target = $1 AND seq IS NOT NULL
               ORDER BY seq`,
            [target],
          )
        ).rows,
      (rows) => rows.length >= 6,
      'the downloads to be in the audit trail',
    );
    const results = records.map((record) => record.result);
    expect(results).toEqual(expect.arrayContaining(['OK', 'FORBIDDEN', 'UNAUTHENTICATED']));
    const { rows: accountant } = await db.query<{ id: string }>(
      `SELECT id::text FROM employee WHERE email = 'accountant@example.com'`,
    );
    expect(records).toContainEqual(
      expect.objectContaining({ result: 'OK', actor_id: accountant[0].id }),
    );
    for (const record of records) {
      expect(record.ip).toBeTruthy();
      expect(record.request_id).toBeTruthy();
    }
  });
});

describe('a failing job', () => {
  afterEach(async () => {
    await db.query('ALTER TABLE data_export_chunk DROP CONSTRAINT IF EXISTS test_refuse_first');
  });

  it('leaves nothing of a failed run, and a retry writes one clean file', async () => {
    // Every run fails writing its first chunk until the constraint goes.
    await db.query(
      'ALTER TABLE data_export_chunk ADD CONSTRAINT test_refuse_first CHECK (n <> 0) NOT VALID',
    );
    const created = await server.request(
      CreateExportDocument,
      { input: { kind: 'INVOICES', format: 'NDJSON' } },
      tokens.accountant,
    );
    const id = created.data?.createExport.export?.id as string;
    const failedOnce = await until(
      () => server.request(ExportNodeDocument, { id }, tokens.accountant),
      (result) => Boolean((result.data?.node as ExportFieldsFragment | null)?.error),
      'the first run to fail',
    );
    const first = failedOnce.data?.node as ExportFieldsFragment;
    expect(first.status).toBe('PENDING');
    expect(first.error).toMatch(/test_refuse_first/);
    const exportId = Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
    expect(
      await count('SELECT count(*)::int AS n FROM data_export_chunk WHERE export_id = $1', [
        exportId,
      ]),
    ).toBe(0);
    // What a run cut short would leave: a chunk of another attempt. The retry must not keep it.
    await db.query(`INSERT INTO data_export_chunk (export_id, n, bytes) VALUES ($1, 7, 'stale')`, [
      exportId,
    ]);
    await db.query('ALTER TABLE data_export_chunk DROP CONSTRAINT test_refuse_first');
    const done = await waitFor(id, tokens.accountant, ['DONE', 'FAILED']);
    expect(done.status).toBe('DONE');
    expect(done.error).toBeNull();
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    const { rows } = await checkedFile(done);
    expect(rows).toHaveLength(await count(COUNT_SQL.INVOICES));
    const { rows: chunks } = await db.query<{ n: number }>(
      'SELECT n FROM data_export_chunk WHERE export_id = $1 ORDER BY n',
      [exportId],
    );
    expect(chunks.map((chunk) => chunk.n)).toEqual([0]);
  }, 60_000);

  it('is FAILED with its error after its last retry, in the export and in jobs', async () => {
    await db.query(
      'ALTER TABLE data_export_chunk ADD CONSTRAINT test_refuse_first CHECK (n <> 0) NOT VALID',
    );
    const failed = await exportAs(tokens.accountant, { kind: 'BILLS', format: 'CSV' }, [
      'DONE',
      'FAILED',
    ]);
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts).toBe(3);
    expect(failed.error).toMatch(/test_refuse_first/);
    expect(failed.downloadUrl).toBeNull();
    expect(failed.manifest).toBeNull();
    const path = `/exports/${failed.id}.csv`;
    expect((await download(path, tokens.accountant)).status).toBe(409);
    const jobs = await server.request(
      JobsDocument,
      { first: 10, filter: { name: 'compliance.export', state: 'FAILED' } },
      tokens.admin,
    );
    const job = jobs.data?.jobs.edges.map((edge) => edge.node)[0];
    expect(job?.lastError).toMatch(/test_refuse_first/);
  }, 60_000);
});
