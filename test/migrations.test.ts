import { Client } from 'pg';
import { migrateUp, openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { createEmptyDatabase, type TestDatabase } from './support/test-database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createEmptyDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('migrations', () => {
  it('build the whole schema from an empty database, and the entities agree with them', async () => {
    const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
    try {
      const applied = await migrateUp(orm);
      expect(applied.length).toBeGreaterThan(0);
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      // Compares the migrated database with what the entities describe; a drift fails here.
      expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
    } finally {
      await orm.close(true);
    }
  });

  it('give events their seq at commit, in commit order, and announce only committed ones, whole when they fit', async () => {
    const listener = new Client({ connectionString: database.url });
    const first = new Client({ connectionString: database.url });
    const second = new Client({ connectionString: database.url });
    await Promise.all([listener.connect(), first.connect(), second.connect()]);
    try {
      const received: string[] = [];
      listener.on('notification', (message) => received.push(message.payload ?? ''));
      await listener.query('LISTEN backdesk_events');
      const insert =
        "INSERT INTO event (stream_type, stream_id, type, payload) VALUES ('Test', $1, 'PING', '{}') RETURNING id, seq";

      await first.query('BEGIN');
      await first.query(insert, ['rolled-back']);
      await first.query('ROLLBACK');

      // Inserted first, committed second: it must come second.
      await first.query('BEGIN');
      const early = await first.query<{ id: string; seq: string | null }>(insert, ['early']);
      expect(early.rows[0].seq).toBeNull();
      await second.query('BEGIN');
      await second.query(insert, ['late']);
      await second.query('COMMIT');
      await first.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 200));

      const rows = await first.query<{ stream_id: string; seq: string; occurred_at: Date }>(
        "SELECT stream_id, seq, occurred_at FROM event WHERE stream_type = 'Test' ORDER BY seq",
      );
      expect(rows.rows.map((row) => row.stream_id)).toEqual(['late', 'early']);
      expect(received.map((payload) => JSON.parse(payload) as unknown)).toEqual(
        rows.rows.map((row) => ({
          seq: Number(row.seq),
          stream_type: 'Test',
          stream_id: row.stream_id,
          type: 'PING',
          payload: {},
          actor_id: null,
          occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00$/) as unknown,
        })),
      );
      expect(new Date(JSON.parse(received[0]).occurred_at as string)).toEqual(
        rows.rows[0].occurred_at,
      );

      // An event too large for a notification (8,000 bytes) is announced by its seq alone.
      received.length = 0;
      const large = await first.query<{ seq: string }>(
        "INSERT INTO event (stream_type, stream_id, type, payload) VALUES ('Test', 'large', 'PING', jsonb_build_object('text', repeat('x', 9000))) RETURNING id",
      );
      expect(large.rowCount).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [{ seq }] = (
        await first.query<{ seq: string }>("SELECT seq FROM event WHERE stream_id = 'large'")
      ).rows;
      expect(received).toEqual([seq]);
    } finally {
      await Promise.all([listener.end(), first.end(), second.end()]);
    }
  });
});
