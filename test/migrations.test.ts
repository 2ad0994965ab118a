import { Client } from 'pg';
import { migrateUp, openOrm } from '../src/db/orm';
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
    const orm = await openOrm({ clientUrl: database.url, poolMax: 2 });
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

  it('give events their seq at commit, in commit order, and announce only committed ones', async () => {
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

      const rows = await first.query<{ stream_id: string; seq: string }>(
        "SELECT stream_id, seq FROM event WHERE stream_type = 'Test' ORDER BY seq",
      );
      expect(rows.rows.map((row) => row.stream_id)).toEqual(['late', 'early']);
      expect(received).toEqual(rows.rows.map((row) => row.seq));
    } finally {
      await Promise.all([listener.end(), first.end(), second.end()]);
    }
  });
});
