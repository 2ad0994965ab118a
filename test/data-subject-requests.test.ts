import { createHash } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { SignedLinks } from '../src/modules/common/signed-links';
import { BusinessRuleError, UserErrorCode } from '../src/modules/common/errors';
import { Role } from '../src/modules/common/role';
import type { Viewer } from '../src/modules/common/viewer';
import type { SubjectEraser } from '../src/modules/compliance/data-subject';
import { DataSubjectRequestService } from '../src/modules/compliance/data-subject-request.service';
import { DEMO_ACCESS_REQUEST_EMAIL } from '../src/modules/compliance/privacy-seed';
import { hashEmail, maskEmail } from '../src/modules/compliance/subject-email';
import { NOT_COLLECTED, PERSONAL_DATA_SOURCES } from '../src/modules/personal-data';
import { parseGlobalId } from '../src/graphql/global-id';
import {
  AddApplicationDocument,
  CreateCustomerDocument,
  CreateTicketDocument,
  DataSubjectRequestMatchesDocument,
  DataSubjectRequestsDocument,
  DepartmentsDocument,
  FulfilDataSubjectRequestDocument,
  HireEmployeeDocument,
  OpenDataSubjectRequestDocument,
  OpenJobOpeningDocument,
  PackOrderDocument,
  PlaceLegalHoldDocument,
  PlaceOrderDocument,
  ReleaseLegalHoldDocument,
  RefuseDataSubjectRequestDocument,
  ReplyToTicketDocument,
  ShipOrderDocument,
  StartPickingDocument,
  type DataSubjectRequestFieldsFragment,
} from './generated/graphql';
import { createProduct, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { pdfText } from './support/pdf-text';
import { startTestServer, type TestServer } from './support/test-server';

const DAY_MS = 86_400_000;

/**
 * Data subject requests end to end: a person who is a customer (orders, an invoice, a ticket with
 * messages and a file), an applicant and an employee under one address; the registry finds all
 * of it, the ACCESS bundle holds it, and nothing logged about the request holds the address.
 */
describe('data subject requests', () => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const suffix = uniqueSuffix();
  const email = `pat.doe-${suffix}@example.org`;
  const bystander = `sam.roe-${suffix}@example.org`;
  let server: TestServer;
  let admin: string;
  let compliance: string;
  let agent: string;
  const seeded: Record<string, string> = {};

  const sql = <T extends object>(text: string, params: unknown[] = []) =>
    server.backdesk.database.orm.em.fork().getConnection().execute<T[]>(text, params);

  async function must<T>(promise: Promise<{ data?: T | null; errors?: unknown }>): Promise<T> {
    const result = await promise;
    if (!result.data || result.errors) throw new Error(JSON.stringify(result));
    return result.data;
  }

  async function open(kind: 'ACCESS' | 'ERASURE', address: string, token = compliance) {
    const data = await must(
      server.request(OpenDataSubjectRequestDocument, { input: { kind, email: address } }, token),
    );
    return data.openDataSubjectRequest;
  }

  async function fulfil(requestId: string, token = compliance) {
    const data = await must(
      server.request(FulfilDataSubjectRequestDocument, { input: { requestId } }, token),
    );
    return data.fulfilDataSubjectRequest;
  }

  async function fetchPath(path: string, token?: string) {
    const response = await fetch(`${server.baseUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  }

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    admin = await server.login('admin@example.com');
    compliance = await server.login('compliance@example.com');
    agent = await server.login('agent@example.com');

    // The customer: an order shipped (so invoiced), a ticket with messages and a file.
    const productId = await createProduct(server, admin);
    const customer = await must(
      server.request(
        CreateCustomerDocument,
        {
          input: {
            name: 'Pat Doe',
            email: email.toUpperCase(),
            phone: '+1 555 0100',
            company: 'Doe Widgets',
          },
        },
        admin,
      ),
    );
    const customerId = customer.createCustomer.customer?.id ?? '';
    seeded.customerId = customerId;
    const placed = await must(
      server.request(
        PlaceOrderDocument,
        {
          input: {
            customerId,
            lines: [{ productId, quantity: 2 }],
            note: `Leave it at the back door ${suffix}`,
          },
        },
        admin,
      ),
    );
    const orderId = placed.placeOrder.order?.id ?? '';
    await must(server.request(StartPickingDocument, { input: { orderId } }, admin));
    await must(server.request(PackOrderDocument, { input: { orderId } }, admin));
    const shipped = await must(
      server.request(
        ShipOrderDocument,
        { input: { orderId, carrier: 'UPS', trackingNumber: `1Z${suffix}` } },
        admin,
      ),
    );
    expect(shipped.shipOrder.userErrors).toEqual([]);
    const ticket = await must(
      server.request(
        CreateTicketDocument,
        {
          input: {
            customerId,
            subject: 'Broken widget',
            body: `My widget arrived broken ${suffix}`,
          },
        },
        agent,
      ),
    );
    const ticketId = ticket.createTicket.ticket?.id ?? '';
    seeded.ticketId = ticketId;
    await must(
      server.request(
        ReplyToTicketDocument,
        { input: { ticketId, body: `Sorry to hear that, a new one is on its way ${suffix}` } },
        agent,
      ),
    );
    const form = new FormData();
    form.append('ticketId', ticketId);
    form.append(
      'file',
      new Blob([Buffer.from('a photo')], { type: 'text/plain' }),
      `photo-${suffix}.txt`,
    );
    const uploaded = await fetch(`${server.baseUrl}/attachments`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(uploaded.status).toBe(201);

    // The applicant, and the employee they became, under the same address.
    const departments = await must(server.request(DepartmentsDocument, {}, admin));
    const opening = await must(
      server.request(
        OpenJobOpeningDocument,
        {
          input: {
            title: `Widget tester ${suffix}`,
            departmentId: departments.departments[0].id,
            headcount: 1,
            salaryMin: '40000.00',
            salaryMax: '60000.00',
          },
        },
        admin,
      ),
    );
    const application = await must(
      server.request(
        AddApplicationDocument,
        {
          input: {
            jobOpeningId: opening.openJobOpening.jobOpening?.id ?? '',
            name: 'Pat Doe',
            email,
            consentToRetain: false,
            resumeText: `Ten years of testing widgets ${suffix}`,
          },
        },
        admin,
      ),
    );
    expect(application.addApplication.userErrors).toEqual([]);
    const hired = await must(
      server.request(
        HireEmployeeDocument,
        {
          input: {
            name: 'Pat Doe',
            email,
            hireDate: '2026-03-01',
            password: 'a-long-enough-password',
            roles: ['REPORTING'],
            title: `Widget tester ${suffix}`,
          },
        },
        admin,
      ),
    );
    expect(hired.hireEmployee.userErrors).toEqual([]);

    // Someone else, who must not show up in Pat's bundle.
    await must(
      server.request(
        CreateCustomerDocument,
        { input: { name: 'Sam Roe', email: bystander, company: 'Roe Ltd' } },
        admin,
      ),
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('the registry of personal data', () => {
    it('holds every text, jsonb and array column of the schema to a source or to the list of columns not collected', async () => {
      const columns = await sql<{ name: string }>(
        `SELECT c.table_name || '.' || c.column_name AS name
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')
            AND c.table_name <> 'mikro_orm_migrations'`,
      );
      const declared = new Set(
        PERSONAL_DATA_SOURCES.flatMap((source) => Object.keys(source.fields)),
      );
      const notCollected = new Set(
        Object.entries(NOT_COLLECTED).flatMap(([table, { columns: names }]) =>
          names.map((name) => `${table}.${name}`),
        ),
      );
      const schema = new Set(columns.map((column) => column.name));
      // Every column is decided, once.
      expect([...schema].filter((name) => !declared.has(name) && !notCollected.has(name))).toEqual(
        [],
      );
      expect([...declared].filter((name) => notCollected.has(name))).toEqual([]);
      // And nothing is declared that is not there (a renamed column).
      expect([...declared, ...notCollected].filter((name) => !schema.has(name))).toEqual([]);
      expect(Object.values(NOT_COLLECTED).filter(({ why }) => why.trim().length < 8)).toEqual([]);
    });

    it('has unique source names, each described, the event log last', () => {
      const names = PERSONAL_DATA_SOURCES.map((source) => source.name);
      expect(new Set(names).size).toBe(names.length);
      for (const source of PERSONAL_DATA_SOURCES) {
        expect(source.description.length).toBeGreaterThan(10);
        for (const what of Object.values(source.fields)) expect(what.length).toBeGreaterThan(3);
      }
      expect(names[names.length - 1]).toBe('history');
    });
  });

  describe('opening a request', () => {
    it('records it due in 30 days with the address masked, and refuses a second open one of the same kind', async () => {
      const opened = await open('ACCESS', `  ${email.toUpperCase()} `);
      expect(opened.userErrors).toEqual([]);
      const request = opened.request as DataSubjectRequestFieldsFragment;
      seeded.accessId = request.id;
      expect(request).toMatchObject({
        kind: 'ACCESS',
        status: 'OPEN',
        email: maskEmail(email),
        bundleUrl: null,
        kept: [],
        earlierRequests: 0,
        overdue: false,
      });
      expect(request.email).toBe(`p***@e***.org`);
      expect(new Date(request.dueAt).getTime() - new Date(request.openedAt).getTime()).toBe(
        30 * DAY_MS,
      );
      expect(request.openedAt).toBe(clock.now().toISOString());

      const again = await open('ACCESS', email);
      expect(again.request).toBeNull();
      expect(again.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'email'] }),
      ]);
      expect(again.userErrors[0].message).toContain(request.id);

      const bad = await open('ACCESS', 'not an address');
      expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT' })]);
    });

    it('shows what every source holds about the person before it is answered', async () => {
      const data = await must(
        server.request(DataSubjectRequestMatchesDocument, { id: seeded.accessId }, compliance),
      );
      const node = data.node as { matches: { source: string; count: number }[] | null };
      const counts = Object.fromEntries(
        (node.matches ?? []).map((match) => [match.source, match.count]),
      );
      expect(Object.keys(counts)).toEqual(PERSONAL_DATA_SOURCES.map((source) => source.name));
      for (const source of [
        'customers',
        'orders',
        'invoices and payments',
        'tickets',
        'attachments',
        'email',
        'job applications',
        'employment',
        'privacy requests',
        'history',
      ])
        expect({ source, found: counts[source] > 0 }).toEqual({ source, found: true });
      expect(counts.customers).toBe(1);
      expect(counts.attachments).toBe(1);
    });
  });

  describe('an ACCESS request answered', () => {
    let request: DataSubjectRequestFieldsFragment;
    let zip: Buffer;

    beforeAll(async () => {
      clock.advance(60);
      const answered = await fulfil(seeded.accessId);
      expect(answered.userErrors).toEqual([]);
      request = answered.request as DataSubjectRequestFieldsFragment;
      const path = (request.bundleUrl ?? '').split('?')[0];
      const got = await fetchPath(path, compliance);
      expect(got.status).toBe(200);
      zip = got.body;
    });

    it('is DONE with a bundle URL on this server, and cannot be answered twice', async () => {
      expect(request).toMatchObject({ status: 'DONE', fulfilledAt: clock.now().toISOString() });
      expect(request.bundleUrl).toMatch(
        new RegExp(
          `^/documents/data-subject-bundles/${request.id}\\.zip\\?expires=\\d+&signature=[0-9a-f]{64}$`,
        ),
      );
      const twice = await fulfil(seeded.accessId);
      expect(twice.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'requestId'] }),
      ]);
      const bundles = await sql<{ count: string }>(
        `SELECT count(*) FROM document WHERE kind = 'DATA_SUBJECT_BUNDLE' AND key = ?`,
        [`data-subject-bundle:${parseGlobalId(request.id, 'DataSubjectRequest')}`],
      );
      expect(Number(bundles[0].count)).toBe(1);
      // The address is no longer kept on the request; the hash recognises the person.
      const [row] = await sql<{ email: string | null; email_hash: string }>(
        'SELECT email, email_hash FROM data_subject_request WHERE id = ?',
        [parseGlobalId(request.id, 'DataSubjectRequest')],
      );
      expect(row).toEqual({ email: null, email_hash: hashEmail(email) });
      const matches = await must(
        server.request(DataSubjectRequestMatchesDocument, { id: request.id }, compliance),
      );
      expect(matches.node).toMatchObject({ matches: null });
    });

    it('is a ZIP of exactly data.json and summary.pdf', () => {
      expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      expect(Object.keys(unzipSync(new Uint8Array(zip))).sort()).toEqual([
        'data.json',
        'summary.pdf',
      ]);
    });

    it('holds in data.json every source with its fields, and the records of each', () => {
      const files = unzipSync(new Uint8Array(zip));
      const data = JSON.parse(strFromU8(files['data.json'])) as {
        request: { id: string; email: string };
        sources: {
          name: string;
          fields: Record<string, string>;
          records: { table: string; values: Record<string, unknown> }[];
        }[];
      };
      expect(data.request).toMatchObject({ id: request.id, email });
      expect(data.sources.map((source) => source.name)).toEqual(
        PERSONAL_DATA_SOURCES.map((source) => source.name),
      );
      const text = JSON.stringify(data);
      const of = (name: string) => data.sources.find((source) => source.name === name);
      expect(of('customers')?.fields['customer.email']).toBe('your email address');
      expect(of('customers')?.records).toEqual([
        expect.objectContaining({
          table: 'customer',
          values: expect.objectContaining({ name: 'Pat Doe', email, phone: '+1 555 0100' }),
        }),
      ]);
      expect(of('orders')?.records[0].values).toMatchObject({
        note: `Leave it at the back door ${suffix}`,
        trackingNumber: `1Z${suffix}`,
        lines: [expect.objectContaining({ quantity: 2, unitPrice: '10.00' })],
      });
      expect(of('invoices and payments')?.records).toEqual([
        expect.objectContaining({
          table: 'invoice',
          values: expect.objectContaining({ total: '20.00' }),
        }),
      ]);
      // The ticket, both messages, the file's name (never its bytes).
      expect(text).toContain(`My widget arrived broken ${suffix}`);
      expect(text).toContain(`a new one is on its way ${suffix}`);
      expect(of('attachments')?.records[0].values).toMatchObject({
        filename: `photo-${suffix}.txt`,
        size: 7,
        sha256: createHash('sha256').update('a photo').digest('hex'),
        stored: true,
      });
      expect(text).not.toContain('a photo"');
      expect(text).toContain(`Ten years of testing widgets ${suffix}`);
      expect(of('employment')?.records[0].values).toMatchObject({
        title: `Widget tester ${suffix}`,
      });
      const history = of('history')?.records ?? [];
      const streams = new Set(history.map((record) => String(record.values.record).split(' ')[0]));
      for (const stream of ['Customer', 'Order', 'Ticket', 'Employee', 'DataSubjectRequest'])
        expect({ stream, found: streams.has(stream) }).toEqual({ stream, found: true });
      // Nobody else's data.
      expect(text).not.toContain(bystander);
      expect(text).not.toContain('Sam Roe');
    });

    it('holds a readable summary.pdf about the person', async () => {
      const pdf = Buffer.from(unzipSync(new Uint8Array(zip))['summary.pdf']);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = await pdfText(pdf);
      expect(text).toContain('Your personal data');
      expect(text).toContain(email);
      expect(text).toContain('tickets');
      expect(text).toContain(`My widget arrived broken ${suffix}`);
      expect(text).toContain(`photo-${suffix}.txt`);
    });

    it('downloads only for COMPLIANCE or ADMIN, or with a signed link until it expires; each download is audited', async () => {
      const path = (request.bundleUrl ?? '').split('?')[0];
      const requestId = parseGlobalId(request.id, 'DataSubjectRequest');
      const reads = async () =>
        Number(
          (
            await sql<{ count: string }>(
              `SELECT count(*) FROM audit_record
                WHERE kind = 'READ' AND action = 'downloadDataSubjectBundle' AND target = ? AND result = 'OK'`,
              [request.id],
            )
          )[0].count,
        );
      const before = await reads();
      expect((await fetchPath(path, admin)).status).toBe(200);
      expect(await reads()).toBe(before + 1);
      expect((await fetchPath(path, agent)).status).toBe(403);
      expect((await fetchPath(path, await server.login('hr@example.com'))).status).toBe(403);
      expect((await fetchPath(path)).status).toBe(401);
      expect(await reads()).toBe(before + 1);
      const refused = await sql<{ result: string }>(
        `SELECT result FROM audit_record WHERE action = 'downloadDataSubjectBundle' AND target = ? AND result <> 'OK' ORDER BY id`,
        [request.id],
      );
      expect(refused.map((row) => row.result)).toEqual([
        'FORBIDDEN',
        'FORBIDDEN',
        'UNAUTHENTICATED',
      ]);

      // A fresh signed link opens it without a token, for 15 minutes.
      const listed = await must(
        server.request(DataSubjectRequestsDocument, { filter: { status: 'DONE' } }, compliance),
      );
      const url = listed.dataSubjectRequests.nodes.find(
        (node) => node.id === request.id,
      )?.bundleUrl;
      const signed = await fetchPath(url ?? '');
      expect(signed.status).toBe(200);
      expect(signed.body.equals(zip)).toBe(true);
      expect(await reads()).toBe(before + 2);
      const forged = (url ?? '').replace(
        /signature=(.)/,
        (_, c: string) => `signature=${c === 'a' ? 'b' : 'a'}`,
      );
      expect((await fetchPath(forged)).status).toBe(403);
      clock.advance(16);
      expect((await fetchPath(url ?? '')).status).toBe(403);
      expect((await fetchPath(url ?? '', compliance)).status).toBe(200);
      const unknown = `/documents/data-subject-bundles/${Buffer.from('DataSubjectRequest:99999999').toString('base64url')}.zip`;
      expect((await fetchPath(unknown, compliance)).status).toBe(404);
      // No bundle before a request is answered.
      expect(requestId).toBeGreaterThan(0);
    });
  });

  describe('listing, refusing and the log', () => {
    it('has, in the demo data, one open ACCESS request for a demo customer', async () => {
      const listed = await must(
        server.request(
          DataSubjectRequestsDocument,
          { first: 50, filter: { kind: 'ACCESS', status: 'OPEN' } },
          compliance,
        ),
      );
      expect(
        listed.dataSubjectRequests.nodes.filter(
          (node) => node.email === maskEmail(DEMO_ACCESS_REQUEST_EMAIL),
        ),
      ).toEqual([expect.objectContaining({ kind: 'ACCESS', status: 'OPEN', earlierRequests: 0 })]);
    });

    it('lists the soonest due first, by status, kind and overdue', async () => {
      const refusedOne = await open('ACCESS', `someone-${suffix}@example.net`);
      clock.advance(24 * 60);
      const later = await open('ERASURE', `late-${suffix}@example.net`);
      expect(later.userErrors).toEqual([]);
      const refused = await must(
        server.request(
          RefuseDataSubjectRequestDocument,
          {
            input: {
              requestId: refusedOne.request?.id ?? '',
              reason: 'The fifth identical request this week',
            },
          },
          compliance,
        ),
      );
      expect(refused.refuseDataSubjectRequest.request).toMatchObject({
        status: 'REFUSED',
        refusalReason: 'The fifth identical request this week',
      });
      const again = await must(
        server.request(
          RefuseDataSubjectRequestDocument,
          { input: { requestId: refusedOne.request?.id ?? '', reason: 'again' } },
          compliance,
        ),
      );
      expect(again.refuseDataSubjectRequest.userErrors[0].code).toBe('INVALID_TRANSITION');

      const list = async (filter: Record<string, unknown>) =>
        (await must(server.request(DataSubjectRequestsDocument, { first: 50, filter }, compliance)))
          .dataSubjectRequests.nodes;
      const all = await list({});
      const dues = all.map((node) => node.dueAt);
      expect([...dues].sort()).toEqual(dues);
      expect((await list({ kind: 'ERASURE' })).map((node) => node.id)).toEqual([later.request?.id]);
      expect((await list({ status: 'REFUSED' })).map((node) => node.id)).toEqual([
        refusedOne.request?.id,
      ]);
      expect(await list({ overdue: true })).toEqual([]);
      clock.advance(30 * 24 * 60 + 1);
      const overdue = await list({ overdue: true });
      expect(overdue.map((node) => node.id)).toEqual([later.request?.id]);
      expect(overdue[0].overdue).toBe(true);
      expect((await list({ overdue: false })).map((node) => node.id)).not.toContain(
        later.request?.id,
      );
    });

    it('logs the masked address only: no event, archived event or audit record holds it', async () => {
      const masked = await sql<{ count: string }>(
        `SELECT count(*) FROM event WHERE stream_type = 'DataSubjectRequest' AND payload->>'email' = ?`,
        [maskEmail(email)],
      );
      expect(Number(masked[0].count)).toBeGreaterThan(0);
      for (const table of ['event', 'event_archive']) {
        const rows = await sql<{ count: string }>(
          `SELECT count(*) FROM ${table} WHERE stream_type = 'DataSubjectRequest' AND lower(payload::text) LIKE ?`,
          [`%${email}%`],
        );
        expect({ table, count: Number(rows[0].count) }).toEqual({ table, count: 0 });
      }
      const audit = await sql<{ count: string }>(
        `SELECT count(*) FROM audit_record
          WHERE lower(detail::text) LIKE ? OR lower(coalesce(target, '')) LIKE ?`,
        [`%${email}%`, `%${email}%`],
      );
      expect(Number(audit[0].count)).toBe(0);
    });

    it('is closed to every role but COMPLIANCE and ADMIN', async () => {
      const denied = await server.request(DataSubjectRequestsDocument, {}, agent);
      expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const opened = await server.request(
        OpenDataSubjectRequestDocument,
        { input: { kind: 'ACCESS', email: bystander } },
        agent,
      );
      expect(opened.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const none = await server.request(DataSubjectRequestsDocument, {});
      expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const asAdmin = await open('ACCESS', bystander, admin);
      expect(asAdmin.userErrors).toEqual([]);
    });
  });

  describe('an ERASURE request, through the eraser seam', () => {
    const links = new SignedLinks('test key', clock);
    let viewer: Viewer;

    /** A service like the server's, with the eraser the test gives it. */
    const serviceWith = (eraser: SubjectEraser) =>
      new DataSubjectRequestService(PERSONAL_DATA_SOURCES, eraser, links, clock, {
        dueDays: 30,
        companyName: 'Test',
      });
    const em = () => server.backdesk.database.orm.em.fork();
    const rowOf = async (id: string) =>
      (
        await sql<{ status: string; email: string | null; kept: unknown; erased: unknown }>(
          'SELECT status, email, kept, erased FROM data_subject_request WHERE id = ?',
          [parseGlobalId(id, 'DataSubjectRequest')],
        )
      )[0];

    beforeAll(async () => {
      const [row] = await sql<{ id: string }>(
        `SELECT id FROM employee WHERE email = 'compliance@example.com'`,
      );
      viewer = { employeeId: Number(row.id), roles: new Set([Role.COMPLIANCE]), via: 'session' };
    });

    it("is refused through the API while the person's customer record is held, naming the hold, changing nothing", async () => {
      const opened = await open('ERASURE', email);
      seeded.erasureId = opened.request?.id ?? '';
      const held = await server.request(
        PlaceLegalHoldDocument,
        { input: { targetId: seeded.customerId, reason: 'Case 88: unpaid deliveries' } },
        compliance,
      );
      const holdId = held.data?.placeLegalHold.legalHold?.id ?? '';
      const answered = await fulfil(seeded.erasureId);
      expect(answered.userErrors[0].code).toBe('LEGAL_HOLD');
      expect(answered.userErrors[0].message).toContain('Case 88: unpaid deliveries');
      expect(await rowOf(seeded.erasureId)).toMatchObject({ status: 'OPEN', email });
      const released = await server.request(
        ReleaseLegalHoldDocument,
        { input: { legalHoldId: holdId, reason: 'Settled' } },
        compliance,
      );
      expect(released.data?.releaseLegalHold.userErrors).toEqual([]);
    });

    it("propagates the eraser's LEGAL_HOLD and rolls back what it did", async () => {
      const eraser: SubjectEraser = {
        async erase(tx, subject) {
          await tx.execute('UPDATE customer SET phone = NULL WHERE email = ?', [subject.email]);
          throw new BusinessRuleError(
            UserErrorCode.LEGAL_HOLD,
            'Held: legal hold #1 on this customer',
          );
        },
      };
      await expect(
        serviceWith(eraser).fulfil(
          { em: em() },
          viewer,
          parseGlobalId(seeded.erasureId, 'DataSubjectRequest'),
        ),
      ).rejects.toMatchObject({ code: UserErrorCode.LEGAL_HOLD });
      expect(await rowOf(seeded.erasureId)).toMatchObject({ status: 'OPEN', email });
      const [customer] = await sql<{ phone: string | null }>(
        'SELECT phone FROM customer WHERE email = ?',
        [email],
      );
      expect(customer.phone).toBe('+1 555 0100');
    });

    it('waits for an open ACCESS request of the same person', async () => {
      const access = await open('ACCESS', email);
      const calls: string[] = [];
      const eraser: SubjectEraser = {
        erase: (_tx, subject) => {
          calls.push(subject.email);
          return Promise.resolve({ erased: [], kept: [] });
        },
      };
      await expect(
        serviceWith(eraser).fulfil(
          { em: em() },
          viewer,
          parseGlobalId(seeded.erasureId, 'DataSubjectRequest'),
        ),
      ).rejects.toMatchObject({ code: UserErrorCode.INVALID_TRANSITION });
      expect(calls).toEqual([]);
      expect((await fulfil(access.request?.id ?? '')).userErrors).toEqual([]);
    });

    it('erases in one transaction, stores what was kept, drops earlier bundles and clears the address', async () => {
      const seen: { email: string; actorId: number }[] = [];
      const eraser: SubjectEraser = {
        async erase(tx, subject, actorId) {
          seen.push({ email: subject.email, actorId });
          await tx.execute(`UPDATE ticket_message SET body = '[erased]' WHERE ticket_id = ?`, [
            parseGlobalId(seeded.ticketId, 'Ticket'),
          ]);
          return {
            erased: [{ what: 'ticket messages', count: 2 }],
            kept: [{ what: 'invoice', why: 'the books: kept 10 years' }],
          };
        },
      };
      const { request } = await serviceWith(eraser).fulfil(
        { em: em() },
        viewer,
        parseGlobalId(seeded.erasureId, 'DataSubjectRequest'),
      );
      expect(request.status).toBe('DONE');
      expect(seen).toEqual([{ email, actorId: viewer.employeeId }]);
      const row = await rowOf(seeded.erasureId);
      expect(row).toEqual({
        status: 'DONE',
        email: null,
        kept: [{ what: 'invoice', why: 'the books: kept 10 years' }],
        erased: [
          { what: 'ticket messages', count: 2 },
          { what: 'access bundles', count: 2 },
        ],
      });
      const bundles = await sql<{ count: string }>(
        `SELECT count(*) FROM data_subject_request r JOIN document d ON d.id = r.bundle_id
          WHERE r.email_hash = ?`,
        [hashEmail(email)],
      );
      expect(Number(bundles[0].count)).toBe(0);
      // No request holds the address any more.
      const stored = await sql<{ count: string }>(
        'SELECT count(*) FROM data_subject_request WHERE email = ?',
        [email],
      );
      expect(Number(stored[0].count)).toBe(0);
      const listed = await must(
        server.request(
          DataSubjectRequestsDocument,
          { first: 50, filter: { kind: 'ERASURE', status: 'DONE' } },
          compliance,
        ),
      );
      expect(listed.dataSubjectRequests.nodes).toEqual([
        expect.objectContaining({
          id: seeded.erasureId,
          email: maskEmail(email),
          kept: [{ what: 'invoice', why: 'the books: kept 10 years' }],
          earlierRequests: 1,
        }),
      ]);
    });
  });
});
