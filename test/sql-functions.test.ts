import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../src/config';
import { sqlFunctionNames, sqlFunctionSource, sqlFunctionVersion } from '../src/db/sql-functions';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** Ours: the functions in the public schema that no extension (pg_trgm) brought. */
const OUR_FUNCTIONS = `FROM pg_proc p
  WHERE p.pronamespace = 'public'::regnamespace
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
                     WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`;

/** Every function of ours and every trigger, by signature or name, with its definition. */
async function definitions(): Promise<Record<string, string>> {
  const { rows } = await client.query<{ key: string; definition: string }>(
    `SELECT 'function ' || p.oid::regprocedure::text AS key, pg_get_functiondef(p.oid) AS definition
       ${OUR_FUNCTIONS}
     UNION ALL
     SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, pg_get_triggerdef(t.oid)
       FROM pg_trigger t WHERE NOT t.tgisinternal
     ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.definition]));
}

async function functionNames(): Promise<string[]> {
  const { rows } = await client.query<{ proname: string }>(
    `SELECT p.proname ${OUR_FUNCTIONS} ORDER BY 1`,
  );
  return rows.map((row) => row.proname);
}

describe('SQL function files', () => {
  it('make exactly the functions and triggers the migrations made, one function each, named after it', async () => {
    const migrated = await definitions();
    const names = sqlFunctionNames();
    expect(names).toContain('modules/orders/order_place');
    expect(await functionNames()).toEqual(names.map((name) => path.basename(name)).sort());

    await client.query('BEGIN');
    try {
      // Without any of our functions (and so without their triggers), each file in turn.
      const { rows } = await client.query<{ signature: string }>(
        `SELECT p.oid::regprocedure::text AS signature ${OUR_FUNCTIONS}`,
      );
      for (const { signature } of rows) await client.query(`DROP FUNCTION ${signature} CASCADE`);
      expect(await definitions()).toEqual({});
      for (const name of names) {
        const before = await functionNames();
        await client.query(sqlFunctionSource(name));
        const made = (await functionNames()).filter((made) => !before.includes(made));
        expect({ name, made }).toEqual({ name, made: [path.basename(name)] });
      }
      // A file edited without a migration that runs it again fails here.
      expect(await definitions()).toEqual(migrated);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('are each run by a migration, the newest of which names the file as it is now', () => {
    // `sqlFunction('<name>', '<version>')` in a migration's source: the newest one per file wins.
    const newest = new Map<string, { migration: string; version: string }>();
    const dir = path.join(PROJECT_ROOT, 'migrations');
    for (const migration of fs.readdirSync(dir).sort()) {
      const source = fs.readFileSync(path.join(dir, migration), 'utf8');
      for (const [, name, version] of source.matchAll(
        /sqlFunction\(\s*'([^']+)',\s*'([^']+)',?\s*\)/g,
      ))
        newest.set(name, { migration, version });
    }
    expect(newest.size).toBeGreaterThan(0);
    const names = sqlFunctionNames();
    expect([...newest.keys()].sort()).toEqual(names);
    // A file changed without a migration fails here: add one that runs it again,
    // `this.addSql(sqlFunction(name, <the version below>))`.
    for (const name of names)
      expect({ name, version: newest.get(name)?.version }).toEqual({
        name,
        version: sqlFunctionVersion(name),
      });
  });
});
