import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../src/config';
import { migrateUp, openOrm } from '../../src/db/orm';
import { sqlFunctionNames, sqlFunctionSource } from '../../src/db/sql-functions';
import { ENTITIES } from '../../src/modules/entities';

/** Set by the global setup: a connection string with rights to create databases. */
export function adminUrl(): string {
  const url = process.env.BACKDESK_TEST_ADMIN_URL;
  if (!url)
    throw new Error(
      'BACKDESK_TEST_ADMIN_URL is not set: run the tests through jest (global setup)',
    );
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export const TEST_DATABASE_PREFIX = 'backdesk_t_';
const TEMPLATE_LOCK = 4_242_001;

/**
 * A fingerprint of the committed migrations and of the SQL function files they read: the
 * template is rebuilt when either changes.
 */
function migrationsFingerprint(): string {
  const dir = path.join(PROJECT_ROOT, 'migrations');
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(dir).sort())
    hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  for (const name of sqlFunctionNames()) hash.update(name).update(sqlFunctionSource(name));
  return hash.digest('hex').slice(0, 16);
}

async function withAdmin<T>(action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/**
 * The migrated template every test database is cloned from, built once per migration set.
 * Workers race for it under an advisory lock.
 */
async function ensureTemplate(client: Client): Promise<string> {
  const template = `backdesk_template_${migrationsFingerprint()}`;
  await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      const orm = await openOrm({
        entities: ENTITIES,
        clientUrl: databaseUrl(building),
        poolMax: 2,
      });
      try {
        await migrateUp(orm);
      } finally {
        await orm.close(true);
      }
      await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
  return template;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  return withAdmin(async (client) => {
    const template = await ensureTemplate(client);
    const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return {
      name,
      url: databaseUrl(name),
      drop: () =>
        withAdmin((admin) =>
          admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
        ),
    };
  });
}

/** An empty database (no migrations), for readiness and migration tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  return withAdmin(async (client) => {
    const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
    await client.query(`CREATE DATABASE ${name}`);
    return {
      name,
      url: databaseUrl(name),
      drop: () =>
        withAdmin((admin) =>
          admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
        ),
    };
  });
}
