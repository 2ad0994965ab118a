/**
 * How src/ may import itself (shared/DESIGN.md, "Imports go one way" and "Module boundaries").
 * Run by `npm run lint`; test/layering.test.ts proves that each rule bites.
 *
 * Layers, top to bottom; a folder imports only from layers below its own:
 *
 *   main.ts, cli.ts                                      entry points
 *   server/                                              http, apollo, websocket, schema assembly
 *   modules/ (and modules/seed.ts, entities.ts, ...)     the business
 *   graphql/ read/ events/ jobs/ mail/ documents/        siblings: they may import each other,
 *                                                        never in a circle
 *   db/
 *   config.ts, logger.ts
 *
 * modules/common/ is the shared kernel under all of them: every folder may import it, and it
 * imports nothing from src/ but config.ts.
 */

const ENTRY = '^src/(main|cli)[.]ts$';
const SERVER = '^src/server/';
const MODULES = '^src/modules/';
const COMMON = '^src/modules/common/';
const MIDDLE = '^src/(graphql|read|events|jobs|mail|documents)/';
const DB = '^src/db/';
const BASE = '^src/(config|logger)[.]ts$';

/** A rule that `from` may not import `to` (any kind of import, type-only ones included). */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

module.exports = {
  forbidden: [
    // (a) Nothing below imports from above.
    forbid(
      'not-to-entry-points',
      'main.ts and cli.ts start the process; nothing imports them.',
      { path: '^src/' },
      { path: ENTRY },
    ),
    forbid(
      'server-is-imported-only-by-entry-points',
      'server/ wires everything together; only main.ts and cli.ts import it.',
      { path: '^src/', pathNot: [SERVER, ENTRY] },
      { path: SERVER },
    ),
    forbid(
      'modules-are-imported-only-from-above',
      'The business (modules/) is imported by server/ and the entry points, not by the layers ' +
        'it builds on. Only modules/common/, the shared kernel, is open to every folder.',
      { path: '^src/', pathNot: [MODULES, SERVER, ENTRY] },
      { path: MODULES, pathNot: COMMON },
    ),
    forbid(
      'db-does-not-import-the-layers-above-it',
      'db/ (and config, the logger, modules/common/) sit under graphql/, read/, events/, jobs/, ' +
        'mail/ and documents/.',
      { path: [DB, BASE, COMMON] },
      { path: MIDDLE },
    ),
    forbid(
      'config-does-not-import-db',
      'config.ts, logger.ts and modules/common/ sit under db/.',
      { path: [BASE, COMMON] },
      { path: DB },
    ),
    forbid(
      'config-imports-nothing-else',
      'config.ts is the bottom; logger.ts reads only config.ts.',
      { path: BASE },
      { path: '^src/', pathNot: BASE },
    ),
    // (d) The shared kernel.
    forbid(
      'common-imports-only-config',
      'modules/common/ (business errors and codes, roles, the viewer, the clock, input rules, ' +
        'money) is imported by every folder, so it imports nothing from src/ but config.ts.',
      { path: COMMON },
      { path: '^src/', pathNot: [COMMON, '^src/config[.]ts$'] },
    ),
    // (b) No two top-level folders import each other, directly or through others.
    {
      name: 'no-folder-cycles',
      comment:
        'Top-level folders of src/ import each other in one direction only (the siblings ' +
        'graphql/, read/, events/, jobs/, mail/, documents/ included). Folders are compared as ' +
        'a whole: src/graphql/x.ts -> src/events/y.ts and src/events/z.ts -> src/graphql/w.ts ' +
        'is a cycle even though no file imports itself.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { circular: true },
    },
    // (c) Module boundaries: a module changes another module's tables only through its service.
    {
      name: 'no-other-modules-entities',
      comment:
        "A module reads and changes another module's tables through that module's service. " +
        "Only entities (relations) and reads (*.reads.ts) import another module's entity classes; " +
        "resolvers read another module's rows through its reads.ts, and anything else may import " +
        'their types (import type).',
      severity: 'error',
      from: {
        path: '^src/modules/([^/]+)/',
        pathNot: ['^src/modules/[^/]+/.+[.](entity|reads)[.]ts$', COMMON],
      },
      to: {
        path: '^src/modules/[^/]+/.+[.]entity[.]ts$',
        pathNot: ['^src/modules/$1/', COMMON],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that needs another's types depends on it all the same.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    // Packages' subpath exports (graphql-ws/use/ws), resolved as the compiled CommonJS does.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default'],
    },
  },
};
