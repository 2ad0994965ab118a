import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import pino from 'pino';
import { watchStatements } from '../src/db/driver';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { EventDispatcher, type CommittedEvent } from '../src/events/event-dispatcher';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The dispatcher against real notifications: an event that comes whole and next in line is
 * delivered without reading the event table; anything else is read, and nothing is delivered
 * twice or out of order.
 */
let database: TestDatabase;
let orm: MikroORM;
let dispatcher: EventDispatcher;
let writer: Client;
const delivered: CommittedEvent[] = [];
const reads: string[] = [];

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

async function commitEvent(streamId: string, payload: Record<string, unknown>): Promise<void> {
  await writer.query(
    "INSERT INTO event (stream_type, stream_id, type, payload, actor_id) VALUES ('Test', $1, 'PING', $2, 7)",
    [streamId, JSON.stringify(payload)],
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
  watchStatements(orm, (query) => {
    if (/from event\s+where seq >/i.test(query.sql)) reads.push(query.sql);
  });
  // No periodic catch-up during the test: every read here is one the dispatcher chose to make.
  dispatcher = new EventDispatcher(orm, database.url, pino({ level: 'silent' }), 3_600_000);
  dispatcher.subscribe((event) => delivered.push(event));
  await dispatcher.start();
  writer = new Client({ connectionString: database.url });
  await writer.connect();
});

afterAll(async () => {
  await writer?.end();
  await dispatcher?.stop();
  await orm?.close(true);
  await database?.drop();
});

it('delivers the next committed event from its notification, without reading it back', async () => {
  reads.length = 0;
  await commitEvent('whole', { status: 'OPEN', tags: ['a'] });
  await until(() => delivered.length === 1);
  expect(reads).toEqual([]);
  const [row] = (
    await writer.query<{ seq: string; occurred_at: Date }>(
      "SELECT seq, occurred_at FROM event WHERE stream_id = 'whole'",
    )
  ).rows;
  expect(delivered[0]).toEqual({
    seq: Number(row.seq),
    streamType: 'Test',
    streamId: 'whole',
    type: 'PING',
    payload: { status: 'OPEN', tags: ['a'] },
    actorId: 7,
    occurredAt: row.occurred_at,
  });
  expect(dispatcher.position()).toBe(Number(row.seq));
});

it('reads an event announced by its seq alone, and one after a gap, each once and in order', async () => {
  reads.length = 0;
  delivered.length = 0;
  await commitEvent('large', { text: 'x'.repeat(9000) });
  await until(() => delivered.length === 1);
  expect(reads.length).toBeGreaterThan(0);

  // A seq taken by a commit that failed late: the next event's seq skips it.
  await writer.query("SELECT nextval('event_commit_seq')");
  reads.length = 0;
  await commitEvent('after the gap', {});
  await until(() => delivered.length === 2);
  expect(reads.length).toBeGreaterThan(0);

  await commitEvent('next in line', {});
  await until(() => delivered.length === 3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(delivered.map((event) => event.streamId)).toEqual([
    'large',
    'after the gap',
    'next in line',
  ]);
  expect(delivered[1].seq).toBe(delivered[0].seq + 2);
  expect(delivered[2].seq).toBe(delivered[1].seq + 1);
});

it('stamps an event with the moment its transaction commits, not when it was recorded', async () => {
  delivered.length = 0;
  await writer.query('BEGIN');
  await commitEvent('slow transaction', {});
  const recordedAt = Date.now();
  await writer.query('SELECT pg_sleep(0.3)');
  const committingAt = Date.now();
  await writer.query('COMMIT');
  await until(() => delivered.length === 1);
  const [row] = (
    await writer.query<{ occurred_at: Date }>(
      "SELECT occurred_at FROM event WHERE stream_id = 'slow transaction'",
    )
  ).rows;
  // The same clock on both sides; a millisecond for rounding to it.
  expect(row.occurred_at.getTime()).toBeGreaterThanOrEqual(committingAt - 1);
  expect(row.occurred_at.getTime() - recordedAt).toBeGreaterThanOrEqual(290);
  expect(delivered[0].occurredAt).toEqual(row.occurred_at);
});
