import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';

/**
 * The SQL functions and triggers, one file each, in the `sql/` folder of the part of `src/` that
 * owns them: `modules/orders/order_place` is `src/modules/orders/sql/order_place.sql`. A file
 * holds the current definition (`create or replace function …`, and its triggers beside it), so
 * the body can be read in one place; it is named after its function.
 *
 * The files are read from the source tree, from PROJECT_ROOT (tsc does not copy them to
 * `dist/`), so the same path serves jest, the compiled server and the compiled migrations.
 *
 * The rule for migrations: a migration runs a file as it is when the migration runs, not as it
 * was when the migration was written. So the migrations written before the files existed keep
 * their SQL inline (history), and from `Migration20261206120000_sql_functions_from_files` on, a
 * migration creates functions only through `sqlFunction`, naming the file's `sqlFunctionVersion`
 * when it was written. Each change to a file needs a new migration that runs it again, with its
 * new version (after dropping the old signature if the signature changed): a database migrated
 * before has no other way to get it. test/sql-functions.test.ts fails when the newest migration
 * that runs a file names another version. On a fresh database an earlier migration runs the newer
 * file too: that works because plpgsql bodies are checked only when called, but a trigger on a
 * table made later belongs in a file of its own (test/migrations.test.ts migrates from empty).
 */
export function sqlFunction(name: string, version: string): string {
  if (!/^[0-9a-f]{12}$/.test(version))
    throw new Error(`"${version}" is not a SQL function version (sqlFunctionVersion)`);
  return sqlFunctionSource(name);
}

/**
 * A digest of a file's statements (its whole-line `--` comments left out): what a migration that
 * runs the file records, so that a change to the file without a migration is noticed.
 */
export function sqlFunctionVersion(name: string): string {
  const statements = sqlFunctionSource(name)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return createHash('sha256').update(statements).digest('hex').slice(0, 12);
}

/** A file's text, whole. */
export function sqlFunctionSource(name: string): string {
  if (!/^[a-z]+(\/[a-z]+)*\/[a-z_]+$/.test(name))
    throw new Error(`"${name}" is not a SQL function name such as modules/orders/order_place`);
  return fs.readFileSync(
    path.join(PROJECT_ROOT, 'src', path.dirname(name), 'sql', `${path.basename(name)}.sql`),
    'utf8',
  );
}

/** Every SQL function file under `src/`, by the name `sqlFunction` takes, sorted. */
export function sqlFunctionNames(): string[] {
  const src = path.join(PROJECT_ROOT, 'src');
  const names: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of fs.readdirSync(path.join(src, folder), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const child = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.name !== 'sql') visit(child);
      else
        for (const file of fs.readdirSync(path.join(src, child)))
          if (file.endsWith('.sql')) names.push(`${folder}/${file.slice(0, -'.sql'.length)}`);
    }
  };
  visit('');
  return names.sort();
}
