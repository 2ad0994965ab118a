import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { toGlobalId } from '../src/graphql/global-id';
import { RETENTION_JOB } from '../src/modules/compliance/retention.job';
import { RetentionRecordClass } from '../src/modules/compliance/retention-policy.entity';
import { createDomainServices, type DomainServices } from '../src/modules/services';
import {
  PreviewRetentionDocument,
  RetentionPoliciesDocument,
  RunRetentionDocument,
  SetRetentionPolicyDocument,
  TrialBalanceDocument,
} from './generated/graphql';
import { dataOf } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

const DAY = 86_400_000;
// Far enough ahead that every seeded record is past every default period (the audit trail's 7 years).
const clock = new ManualClock(new Date(Date.now() + 3000 * DAY));

let server: TestServer;
let db: Client;
let services: DomainServices;
let compliance: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ JOB_POLL_MS: '500' }, { clock });
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  services = createDomainServices({ clock });
  [compliance, admin] = await Promise.all([
    server.login('compliance@example.com'),
    server.login('admin@example.com'),
  ]);
});

afterAll(async () => {
  await db?.end();
  await server?.close();
});

const scope = () => ({ em: server.backdesk.database.orm.em.fork() as EntityManager });

async function set(recordClass: string, keepDays: number, action: string, enabled: boolean) {
  const result = await server.request(
    SetRetentionPolicyDocument,
    {
      input: {
        recordClass: recordClass as RetentionRecordClass,
        keepDays,
        action: action as 'DELETE',
        enabled,
      },
    },
    compliance,
  );
  return result.data?.setRetentionPolicy;
}

async function preview(recordClass: RetentionRecordClass) {
  const result = await server.request(PreviewRetentionDocument, { recordClass }, compliance);
  return result.data?.previewRetention;
}

async function hold(typeName: string, id: string, reason: string) {
  const targetId = toGlobalId(typeName, id);
  await dataOf(
    server,
    'mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { userErrors { code } } }',
    { input: { targetId, reason } },
    compliance,
  );
}

describe('retention policies', () => {
  it('lists the six policies with their defaults, disabled but for rejected applicants', async () => {
    const result = await server.request(RetentionPoliciesDocument, {}, compliance);
    expect(
      result.data?.retentionPolicies.map((p) => [p.recordClass, p.keepDays, p.action, p.enabled]),
    ).toEqual([
      ['CLOSED_TICKETS', 730, 'ANONYMIZE', false],
      ['INACTIVE_CUSTOMERS', 1095, 'ANONYMIZE', false],
      ['REJECTED_APPLICANTS', 180, 'ANONYMIZE', true],
      ['EVENT_LOG', 365, 'DELETE', false],
      ['AUDIT_TRAIL', 2555, 'DELETE', false],
      ['ATTACHMENTS', 730, 'DELETE', false],
    ]);
  });

  it('is enabled only after a dry run of exactly its settings', async () => {
    expect((await set('ATTACHMENTS', 730, 'DELETE', true))?.userErrors).toEqual([
      expect.objectContaining({ code: 'PREVIEW_REQUIRED', field: ['input', 'enabled'] }),
    ]);
    await preview(RetentionRecordClass.ATTACHMENTS);
    expect((await set('ATTACHMENTS', 730, 'DELETE', true))?.retentionPolicy).toMatchObject({
      enabled: true,
      previewedAt: expect.any(String),
    });
    // A new period needs a new preview; saved disabled meanwhile.
    expect((await set('ATTACHMENTS', 800, 'DELETE', true))?.userErrors[0]?.code).toBe(
      'PREVIEW_REQUIRED',
    );
    expect((await set('ATTACHMENTS', 800, 'DELETE', false))?.retentionPolicy).toMatchObject({
      keepDays: 800,
      enabled: false,
      previewedAt: null,
    });
    expect((await set('ATTACHMENTS', 800, 'DELETE', true))?.userErrors[0]?.code).toBe(
      'PREVIEW_REQUIRED',
    );
    // Classes allow what they allow; periods have their range.
    expect((await set('AUDIT_TRAIL', 2555, 'ANONYMIZE', false))?.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'action'],
    });
    expect((await set('AUDIT_TRAIL', 10, 'DELETE', false))?.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'keepDays'],
    });
    expect((await set('ATTACHMENTS', 730, 'DELETE', false))?.userErrors).toEqual([]);
  });

  it('answers only to COMPLIANCE (and ADMIN)', async () => {
    const agent = await server.login('agent@example.com');
    const denied = await server.request(RetentionPoliciesDocument, {}, agent);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const run = await server.request(
      RunRetentionDocument,
      { input: { recordClass: RetentionRecordClass.EVENT_LOG } },
      agent,
    );
    expect(run.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('closed tickets: the dry run is what the run anonymises; a held ticket is skipped by both', async () => {
    // The demo data's own hold (a customer, with their tickets) aside: this test holds one ticket.
    await db.query('UPDATE legal_hold SET released_at = now() WHERE released_at IS NULL');
    await db.query(
      "UPDATE ticket SET status = 'CLOSED', closed_at = now() WHERE status IN ('SOLVED', 'CLOSED')",
    );
    const { rows: closed } = await db.query<{ id: string; number: string }>(
      "SELECT id, number FROM ticket WHERE status = 'CLOSED' ORDER BY id",
    );
    expect(closed.length).toBeGreaterThanOrEqual(3);
    await hold('Ticket', closed[0].id, 'Complaint under review');
    const shown = await preview(RetentionRecordClass.CLOSED_TICKETS);
    const dry = await services.retention.preview(scope(), RetentionRecordClass.CLOSED_TICKETS);
    expect(shown).toMatchObject({ count: dry.count, sample: dry.sample, held: 1 });
    expect(shown?.sample[0]).toMatch(/^Ticket \S+ closed \d{4}-\d{2}-\d{2}$/);
    expect(dry.ids).toEqual(closed.slice(1).map((row) => Number(row.id)));
    const run = await services.retention.run(scope(), RetentionRecordClass.CLOSED_TICKETS, null);
    expect(run).toMatchObject({ ids: dry.ids, anonymised: dry.count, held: 1 });
    const { rows: after } = await db.query<{ id: string; subject: string }>(
      "SELECT id, subject FROM ticket WHERE status = 'CLOSED' ORDER BY id",
    );
    expect(after[0].subject).not.toBe('[erased]');
    expect(after.slice(1).every((row) => row.subject === '[erased]')).toBe(true);
    expect((await preview(RetentionRecordClass.CLOSED_TICKETS))?.count).toBe(0);
  });

  it('the daily job applies enabled policies only, in batches', async () => {
    await db.query(
      `INSERT INTO event_archive (id, seq, stream_type, stream_id, type, payload, actor_id, occurred_at)
       SELECT 900000000 + g, NULL, 'Test', g::text, 'OLD', '{"note": "old"}', NULL, now() - interval '1 day'
         FROM generate_series(1, 450) g`,
    );
    const dry = await preview(RetentionRecordClass.EVENT_LOG);
    expect(dry?.count).toBe(450);
    expect((await set('EVENT_LOG', 365, 'DELETE', true))?.retentionPolicy?.enabled).toBe(true);
    const customersBefore = await db.query(
      'SELECT count(*) FROM customer WHERE anonymized_at IS NULL',
    );
    const id = await server.backdesk.jobs.enqueue(undefined, RETENTION_JOB, {});
    await until(
      () =>
        db.query<{ state: string }>('SELECT state::text AS state FROM pgboss.job WHERE id = $1', [
          id,
        ]),
      (result) => result.rows[0]?.state === 'completed',
      'the retention job to complete',
    );
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM event_archive');
    expect(Number(rows[0].count)).toBe(0);
    const { rows: batches } = await db.query<{ detail: { deleted: number } }>(
      `SELECT detail FROM audit_record WHERE action = 'compliance.retention' AND kind = 'SYSTEM'
          AND detail->>'recordClass' = 'EVENT_LOG' ORDER BY id`,
    );
    expect(batches.map((row) => row.detail.deleted)).toEqual([200, 200, 50]);
    // INACTIVE_CUSTOMERS is disabled: untouched.
    expect(
      (await db.query('SELECT count(*) FROM customer WHERE anonymized_at IS NULL')).rows,
    ).toEqual(customersBefore.rows);
    expect((await set('EVENT_LOG', 365, 'DELETE', false))?.userErrors).toEqual([]);
  });

  it('inactive customers: anonymised as previewed, the books unchanged, a held one skipped', async () => {
    const { rows: customers } = await db.query<{ id: string }>(
      'SELECT id FROM customer ORDER BY id',
    );
    await hold('Customer', customers[0].id, 'Litigation L-4');
    const booksBefore = await server.request(TrialBalanceDocument, {}, admin);
    const dry = await services.retention.preview(scope(), RetentionRecordClass.INACTIVE_CUSTOMERS);
    expect(dry.count).toBeGreaterThan(0);
    expect(dry.ids).not.toContain(Number(customers[0].id));
    expect(dry.note).toContain('the books');
    const run = await services.retention.run(
      scope(),
      RetentionRecordClass.INACTIVE_CUSTOMERS,
      null,
    );
    expect(run.ids).toEqual(dry.ids);
    expect(run.anonymised + run.deleted).toBe(dry.count);
    expect((await server.request(TrialBalanceDocument, {}, admin)).data).toEqual(booksBefore.data);
    const { rows: anonymised } = await db.query<{ id: string; name: string }>(
      'SELECT id, name FROM customer WHERE id = ANY($1::bigint[]) ORDER BY id',
      [dry.ids],
    );
    expect(anonymised.every((row) => row.name === `Erased customer ${row.id}`)).toBe(true);
    const { rows: heldRow } = await db.query('SELECT anonymized_at FROM customer WHERE id = $1', [
      customers[0].id,
    ]);
    expect(heldRow).toEqual([{ anonymized_at: null }]);
  });

  it('the audit trail: a prefix pruned, the chain anchored at the last record deleted', async () => {
    const dry = await services.retention.preview(scope(), RetentionRecordClass.AUDIT_TRAIL);
    // The audit records made so far committed "now", 3000 days before the clock.
    expect(dry.count).toBeGreaterThan(0);
    const run = await services.retention.run(scope(), RetentionRecordClass.AUDIT_TRAIL, null);
    expect(run.ids).toEqual(dry.ids);
    const { rows } = await db.query<{
      pruned_through: string;
      pruned_hash: string;
      prev_hash: string;
      seq: string;
    }>(
      `SELECT h.pruned_through, h.pruned_hash, r.prev_hash, r.seq
         FROM audit_chain_head h, LATERAL (SELECT prev_hash, seq FROM audit_record WHERE seq IS NOT NULL ORDER BY seq LIMIT 1) r`,
    );
    expect(Number(rows[0].pruned_through)).toBe(dry.ids[dry.ids.length - 1]);
    expect(rows[0].prev_hash).toBe(rows[0].pruned_hash);
    expect(Number(rows[0].seq)).toBeGreaterThan(Number(rows[0].pruned_through));
    const { rows: gone } = await db.query('SELECT 1 FROM audit_record WHERE seq <= $1', [
      rows[0].pruned_through,
    ]);
    expect(gone).toEqual([]);
  });

  it('runRetention through the API answers what it did', async () => {
    const run = await server.request(
      RunRetentionDocument,
      { input: { recordClass: RetentionRecordClass.REJECTED_APPLICANTS } },
      compliance,
    );
    expect(run.data?.runRetention).toMatchObject({
      run: { recordClass: 'REJECTED_APPLICANTS', held: 0 },
      userErrors: [],
    });
  });
});
