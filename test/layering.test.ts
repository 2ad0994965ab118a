import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The import rules of `npm run lint` (.dependency-cruiser.cjs), run on small trees under
 * test/fixtures/layering/ that each break one kind of rule. The real src/ is held to them by
 * `npm run lint` itself (CI runs it before the tests), not again here: a cruise of the whole tree
 * was a good part of this file's time.
 *
 * dependency-cruiser's `cruise` API is an ES module, which this CommonJS test cannot load, so the
 * test runs its command line, as `npm run lint` does, and reads its JSON report.
 */

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** The violations dependency-cruiser reports for `src/` under `directory`, as "rule: from → to". */
function violationsIn(directory: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'],
      { cwd: directory, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
          resolve(
            report.summary.violations
              .map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`)
              .sort(),
          );
        } catch {
          reject(error ?? new Error(`no report from dependency-cruiser: ${stderr}`));
        }
      },
    );
  });
}

const fixture = (name: string) => path.join(__dirname, 'fixtures', 'layering', name);

it('passes a tree with one of each allowed import', async () => {
  // Entry → server → modules → read/events → graphql → db → config, the shared kernel from
  // everywhere, and another module's entity as a type, from an entity and from a reads file.
  expect(await violationsIn(fixture('allowed'))).toEqual([]);
});

it('refuses imports from a layer above, type-only ones included', async () => {
  expect(await violationsIn(fixture('upward'))).toEqual([
    'config-does-not-import-db: src/config.ts → src/db/pool.ts',
    'config-imports-nothing-else: src/config.ts → src/db/pool.ts',
    'db-does-not-import-the-layers-above-it: src/db/pool.ts → src/graphql/scalars.ts',
    'modules-are-imported-only-from-above: src/events/history.ts → src/modules/employees/employee.entity.ts',
    'not-to-entry-points: src/server/guards.ts → src/main.ts',
    'server-is-imported-only-by-entry-points: src/graphql/scalars.ts → src/server/guards.ts',
  ]);
});

it('refuses two top-level folders that import each other, though no file imports itself', async () => {
  expect(await violationsIn(fixture('folder-cycle'))).toEqual([
    'no-folder-cycles: src/events → src/graphql',
    'no-folder-cycles: src/graphql → src/events',
  ]);
});

it("refuses a module's service or resolver that imports another module's entity", async () => {
  expect(await violationsIn(fixture('other-module-entity'))).toEqual([
    'no-other-modules-entities: src/modules/support/support.resolver.ts → src/modules/customers/customer.entity.ts',
    'no-other-modules-entities: src/modules/support/support.service.ts → src/modules/customers/customer.entity.ts',
  ]);
});

it('refuses the shared kernel (modules/common) importing anything but config', async () => {
  expect(await violationsIn(fixture('common-kernel'))).toEqual([
    'common-imports-only-config: src/modules/common/viewer.ts → src/modules/auth/role.ts',
  ]);
});
