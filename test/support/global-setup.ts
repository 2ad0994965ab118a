import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { PROJECT_ROOT } from '../../src/config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';

declare global {
  var backdeskTestPostgres: EmbeddedPostgres | undefined;
}

/**
 * One PostgreSQL for the whole run: `DATABASE_URL` when set (CI and developers' machines), otherwise
 * an embedded one kept under `.data/test-postgres` on its own port, so it never meets `npm start`'s.
 * Databases left behind by an earlier run are dropped.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(PROJECT_ROOT, '.data', 'test-postgres'),
      port: Number(process.env.EMBEDDED_TEST_PG_PORT ?? 54339),
      database: 'backdesk_test_admin',
      logger: pino({ level: 'warn' }),
    });
    globalThis.backdeskTestPostgres = embedded;
    adminUrl = embedded.url;
  }
  process.env.BACKDESK_TEST_ADMIN_URL = adminUrl;

  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const leftovers = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'backdesk\\_t\\_%' OR datname LIKE 'backdesk\\_template\\_%'",
    );
    for (const { datname } of leftovers.rows)
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
