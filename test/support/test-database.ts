import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../src/config';
import { migrateUp, openOrm } from '../../src/db/orm';
import { sqlFunctionNames, sqlFunctionSource } from '../../src/db/sql-functions';
import pino from 'pino';
import { ENTITIES } from '../../src/modules/entities';
import { seedDemoData } from '../../src/modules/seed';

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
 * The templates test databases are cloned from, built once per migration set (the global setup
 * drops them before each run): migrated, and migrated with the demo data seeded as `npm start`
 * seeds it (the seed reads no configuration and the system clock, so one copy serves every test
 * that would seed at start). Workers race for them under an advisory lock.
 */
async function ensureTemplate(client: Client, seeded: boolean): Promise<string> {
  const migrated = `backdesk_template_${migrationsFingerprint()}`;
  const template = seeded ? `${migrated}_seeded` : migrated;
  await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    await buildOnce(
      client,
      migrated,
      () => client.query(`CREATE DATABASE ${migrated}_building`),
      migrateUp,
    );
    if (seeded)
      await buildOnce(
        client,
        template,
        () => client.query(`CREATE DATABASE ${template}_building TEMPLATE ${migrated}`),
        (orm) => seedDemoData(orm, pino({ level: 'silent' })),
      );
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
  return template;
}

/** Makes a template unless it exists: created as `<name>_building`, filled, then renamed. */
async function buildOnce(
  client: Client,
  template: string,
  create: () => Promise<unknown>,
  fill: (orm: Awaited<ReturnType<typeof openOrm>>) => Promise<unknown>,
): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  if (exists.rowCount !== 0) return;
  const building = `${template}_building`;
  await client.query(`DROP DATABASE IF EXISTS ${building}`);
  await create();
  const orm = await openOrm({ entities: ENTITIES, clientUrl: databaseUrl(building), poolMax: 2 });
  try {
    await fill(orm);
  } finally {
    await orm.close(true);
  }
  await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; with the demo data when `seeded`. */
export async function createTestDatabase(
  options: { seeded?: boolean } = {},
): Promise<TestDatabase> {
  return withAdmin(async (client) => {
    const template = await ensureTemplate(client, options.seeded ?? false);
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
