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

  it('announce each committed event with NOTIFY, and nothing for a rolled-back one', async () => {
    const listener = new Client({ connectionString: database.url });
    const writer = new Client({ connectionString: database.url });
    await Promise.all([listener.connect(), writer.connect()]);
    try {
      const received: string[] = [];
      listener.on('notification', (message) => received.push(message.payload ?? ''));
      await listener.query('LISTEN backdesk_events');
      const insert =
        "INSERT INTO event (stream_type, stream_id, type, payload) VALUES ('Test', '1', 'PING', '{}') RETURNING seq";
      await writer.query('BEGIN');
      await writer.query(insert);
      await writer.query('ROLLBACK');
      await writer.query('BEGIN');
      const committed = await writer.query<{ seq: string }>(insert);
      await writer.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([committed.rows[0].seq]);
    } finally {
      await Promise.all([listener.end(), writer.end()]);
    }
  });
});
