import { Client } from 'pg';
import {
  AuditTrailDocument,
  LegalHoldsDocument,
  PlaceLegalHoldDocument,
  PlaceOrderDocument,
  ReleaseLegalHoldDocument,
  VerifyAuditChainDocument,
} from './generated/graphql';
import { toGlobalId } from '../src/graphql/global-id';
import { createCustomer, createProduct, dataOf, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let sql: Client;
let agent: string;
let compliance: string;
let hr: string;

beforeAll(async () => {
  server = await startTestServer();
  sql = new Client({ connectionString: server.database.url });
  await sql.connect();
  [agent, compliance, hr] = await Promise.all(
    ['agent@example.com', 'compliance@example.com', 'hr@example.com'].map((email) =>
      server.login(email),
    ),
  );
});

afterAll(async () => {
  await sql?.end();
  await server?.close();
});

interface AuditRow {
  id: string;
  seq: string;
  action: string;
  kind: string;
  result: string;
  actor_id: string | null;
  target: string | null;
  detail: { input?: Record<string, unknown>; codes?: string[]; count?: number };
  ip: string | null;
  request_id: string | null;
}

/** The audit records written since `afterSeq`, oldest first. */
async function recordsAfter(afterSeq: number): Promise<AuditRow[]> {
  const { rows } = await sql.query<AuditRow>(
    'SELECT * FROM audit_record WHERE seq > $1 ORDER BY seq',
    [afterSeq],
  );
  return rows;
}

async function headSeq(): Promise<number> {
  const { rows } = await sql.query<{ seq: string }>('SELECT seq FROM audit_chain_head');
  return Number(rows[0].seq);
}

/** Changes the audit table as a superuser with triggers off: what tampering looks like. */
async function tamper(statement: string, values: unknown[] = []): Promise<void> {
  await sql.query('BEGIN');
  await sql.query("SET LOCAL session_replication_role = 'replica'");
  await sql.query(statement, values);
  await sql.query('COMMIT');
}

const agentId = async () =>
  (await dataOf<{ me: { id: string } }>(server, '{ me { id } }', {}, agent)).me.id;

describe('the audit trail', () => {
  it('records a mutation that commits, in its transaction, with who, what, target, IP and a redacted input', async () => {
    const before = await headSeq();
    const suffix = uniqueSuffix();
    const name = `Audited Person ${suffix}`;
    const email = `audited-${suffix}@example.org`;
    const created = await dataOf<{ createCustomer: { customer: { id: string } } }>(
      server,
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }',
      { input: { name, email, phone: '+1 555 0100', company: 'Audit Co' } },
      agent,
    );
    const [record] = await recordsAfter(before);
    expect(record).toMatchObject({
      kind: 'MUTATION',
      action: 'createCustomer',
      result: 'OK',
      target: created.createCustomer.customer.id,
    });
    expect(toGlobalId('Employee', Number(record.actor_id))).toBe(await agentId());
    expect(record.ip).toMatch(/127\.0\.0\.1/);
    expect(record.request_id).toBeTruthy();
    // The input's shape is kept; nothing the customer is survives.
    expect(record.detail.input).toEqual({
      input: {
        name: '[redacted]',
        email: '[redacted]',
        phone: '[redacted]',
        company: '[redacted]',
      },
    });
    const { rows } = await sql.query(
      'SELECT id FROM audit_record WHERE detail::text ILIKE $1 OR detail::text ILIKE $2',
      [`%${suffix}%`, '%555 0100%'],
    );
    expect(rows).toEqual([]);
  });

  it('records refused, forbidden and unauthenticated mutations, which commit nothing else', async () => {
    const email = `taken-${uniqueSuffix()}@example.org`;
    await dataOf(
      server,
      'mutation($email: String!) { createCustomer(input: { name: "Once", email: $email }) { userErrors { code } } }',
      { email },
      agent,
    );
    const before = await headSeq();
    // A business rule: an email already taken.
    const taken = await server.raw(
      'mutation($email: String!) { createCustomer(input: { name: "Twice", email: $email }) { userErrors { code } } }',
      { email },
      agent,
    );
    expect(taken.data).toEqual({ createCustomer: { userErrors: [{ code: 'EMAIL_TAKEN' }] } });
    // A role that may not.
    const forbidden = await server.raw(
      'mutation { createAccount(input: { code: "9999", name: "No", type: ASSET }) { userErrors { code } } }',
      {},
      agent,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // No token at all.
    const anonymous = await server.raw(
      'mutation { createAccount(input: { code: "9998", name: "No", type: ASSET }) { userErrors { code } } }',
      {},
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const records = await recordsAfter(before);
    expect(records.map((record) => [record.action, record.result])).toEqual([
      ['createCustomer', 'REFUSED'],
      ['createAccount', 'FORBIDDEN'],
      ['createAccount', 'UNAUTHENTICATED'],
    ]);
    expect(records[0].detail.codes).toEqual(['EMAIL_TAKEN']);
    expect(records[1].detail.codes).toEqual(['FORBIDDEN']);
    expect(records[2].actor_id).toBeNull();
  });

  it('records a mutation whose write is one locking statement (placing an order) in that statement', async () => {
    const admin = await server.login('admin@example.com');
    const customerId = await createCustomer(server, agent);
    const productId = await createProduct(server, admin, { stock: 5 });
    const before = await headSeq();
    const placed = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 1 }] } },
      agent,
    );
    expect(placed.data?.placeOrder.userErrors).toEqual([]);
    const records = await recordsAfter(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'placeOrder', result: 'OK', target: customerId });
    // The same commit: the order's PLACED event and the audit record share a commit timestamp
    // order with nothing between them.
    const refused = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 500 }] } },
      agent,
    );
    expect(refused.data?.placeOrder.userErrors[0]?.code).toBe('OUT_OF_STOCK');
    const after = await recordsAfter(before);
    expect(after.map((record) => record.result)).toEqual(['OK', 'REFUSED']);
  });

  it('records reads of protected data: another employee salary', async () => {
    const before = await headSeq();
    await dataOf(server, '{ employees(first: 3) { nodes { id salary { amount } } } }', {}, hr);
    const reads = (await recordsAfter(before)).filter((record) => record.kind === 'READ');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ action: 'Employee.salary', result: 'OK' });
    expect(reads[0].detail.count).toBeGreaterThanOrEqual(2);
  });

  it('lists the trail for COMPLIANCE only, filtered, newest first', async () => {
    const page = await server.request(
      AuditTrailDocument,
      { first: 5, filter: { action: 'createAccount', result: ['FORBIDDEN'] } },
      compliance,
    );
    expect(page.errors).toBeUndefined();
    const nodes = page.data?.auditTrail.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((node) => node.result === 'FORBIDDEN')).toBe(true);
    expect(nodes[0].actor?.email).toBe('agent@example.com');
    expect(nodes[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const denied = await server.request(AuditTrailDocument, { first: 1 }, agent);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('never lets a record change or go, except through tampering that the chain reports exactly', async () => {
    const verified = await server.request(VerifyAuditChainDocument, {}, compliance);
    expect(verified.data?.verifyAuditChain).toMatchObject({ ok: true, brokenAt: null });
    expect(verified.data?.verifyAuditChain.checked).toBeGreaterThan(5);

    await expect(sql.query("UPDATE audit_record SET action = 'x' WHERE seq = 2")).rejects.toThrow(
      /never change/,
    );
    await expect(sql.query('DELETE FROM audit_record WHERE seq = 2')).rejects.toThrow(
      /never deleted/,
    );
    await expect(sql.query('TRUNCATE audit_record')).rejects.toThrow(/never deleted/);

    const { rows } = await sql.query<{ id: string; seq: string; detail: unknown }>(
      'SELECT id, seq, detail FROM audit_record WHERE seq IS NOT NULL ORDER BY seq OFFSET 3 LIMIT 2',
    );
    const [edited, next] = rows;
    // Edited: the record itself no longer gives its hash.
    await tamper(`UPDATE audit_record SET detail = '{"input":{}}' WHERE id = $1`, [edited.id]);
    let report = (await server.request(VerifyAuditChainDocument, {}, compliance)).data
      ?.verifyAuditChain;
    expect(report).toMatchObject({
      ok: false,
      brokenAt: toGlobalId('AuditRecord', edited.id),
      brokenAtSequence: Number(edited.seq),
    });
    expect(report?.reason).toMatch(/changed/);
    await tamper('UPDATE audit_record SET detail = $2 WHERE id = $1', [edited.id, edited.detail]);
    expect(
      (await server.request(VerifyAuditChainDocument, {}, compliance)).data?.verifyAuditChain.ok,
    ).toBe(true);

    // Deleted: the record after it no longer follows the one before.
    await sql.query('CREATE TEMP TABLE saved AS SELECT * FROM audit_record WHERE id = $1', [
      edited.id,
    ]);
    await tamper('DELETE FROM audit_record WHERE id = $1', [edited.id]);
    report = (await server.request(VerifyAuditChainDocument, {}, compliance)).data
      ?.verifyAuditChain;
    expect(report).toMatchObject({ ok: false, brokenAt: toGlobalId('AuditRecord', next.id) });
    expect(report?.reason).toMatch(/missing or was replaced/);
    await tamper('INSERT INTO audit_record SELECT * FROM saved');
    expect(
      (await server.request(VerifyAuditChainDocument, {}, compliance)).data?.verifyAuditChain.ok,
    ).toBe(true);

    // The newest record removed: the head says the chain went further.
    const { rows: newest } = await sql.query<{ id: string }>(
      'SELECT id FROM audit_record ORDER BY seq DESC LIMIT 2',
    );
    await tamper('DELETE FROM audit_record WHERE id = $1', [newest[0].id]);
    report = (await server.request(VerifyAuditChainDocument, {}, compliance)).data
      ?.verifyAuditChain;
    expect(report).toMatchObject({ ok: false, brokenAt: toGlobalId('AuditRecord', newest[1].id) });
    expect(report?.reason).toMatch(/after it were removed/);
  });
});

describe('legal holds', () => {
  it('places, lists and releases a hold on a customer, and refuses what is not holdable', async () => {
    const customerId = await createCustomer(server, agent);
    const placed = await server.request(
      PlaceLegalHoldDocument,
      { input: { targetId: customerId, reason: 'Case 2026-17: supplier dispute' } },
      compliance,
    );
    expect(placed.data?.placeLegalHold.userErrors).toEqual([]);
    const hold = placed.data?.placeLegalHold.legalHold;
    expect(hold).toMatchObject({ targetType: 'CUSTOMER', targetId: customerId, active: true });
    const listed = await server.request(LegalHoldsDocument, { targetId: customerId }, compliance);
    expect(listed.data?.legalHolds.map((item) => item.id)).toEqual([hold?.id]);

    const missing = await server.request(
      PlaceLegalHoldDocument,
      { input: { targetId: toGlobalId('Ticket', 999999), reason: 'x' } },
      compliance,
    );
    expect(missing.data?.placeLegalHold.userErrors[0]?.code).toBe('NOT_FOUND');
    const wrongType = await server.request(
      PlaceLegalHoldDocument,
      { input: { targetId: toGlobalId('Product', 1), reason: 'x' } },
      compliance,
    );
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notAllowed = await server.request(
      PlaceLegalHoldDocument,
      { input: { targetId: customerId, reason: 'x' } },
      agent,
    );
    expect(notAllowed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const released = await server.request(
      ReleaseLegalHoldDocument,
      { input: { legalHoldId: hold?.id ?? '', reason: 'Settled' } },
      compliance,
    );
    expect(released.data?.releaseLegalHold.legalHold).toMatchObject({
      active: false,
      releaseReason: 'Settled',
    });
    const again = await server.request(
      ReleaseLegalHoldDocument,
      { input: { legalHoldId: hold?.id ?? '' } },
      compliance,
    );
    expect(again.data?.releaseLegalHold.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    expect(
      (await server.request(LegalHoldsDocument, { targetId: customerId }, compliance)).data
        ?.legalHolds,
    ).toEqual([]);
  });
});
