/**
 * The PostGraphile v5 peer of the read benchmark: the `postgraphile` package (library mode, a
 * Grafserv instance on a bare `node:http` server) over the same database, with the Amber preset,
 * no GraphiQL, no watch mode, no EXPLAIN. It runs WITHOUT authentication (no JWT, no pgSettings,
 * no role switch), whereas Backdesk checks a bearer token on every request.
 *
 * PostGraphile 5 needs Node >= 22: `bench/postgraphile/index.ts` starts this compiled file
 * (`dist/bench/postgraphile/server.js`) with the Node 22 binary from `node22.ts`. Environment:
 * DATABASE_URL, PORT (0 for a free one), BENCH_PEER_POOL_MAX (20, Backdesk's pool size).
 * It prints `{"postgraphile":"listening","url":"http://127.0.0.1:<port>/graphql"}` when ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgraphile } from 'postgraphile';
import { listOfCodec, TYPES } from 'postgraphile/@dataplan/pg';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { addPgTableCondition } from 'postgraphile/utils';

/**
 * `condition: { statusIn: [...] }` on tickets. PostGraphile's built-in `condition` only tests
 * equality, and the queue asks for status IN (NEW, OPEN). postgraphile-plugin-connection-filter
 * has a v5 build (4.0.1, peer postgraphile ^5.1.4), but it would be a new dependency for one
 * operator; this condition (graphile-utils' documented `addPgTableCondition`, part of the
 * `postgraphile` package) compiles to the same SQL the filter plugin's `in` does, so it costs
 * PostGraphile nothing extra: `WHERE <ticket>.status = ANY($n::text[])`.
 */
export const TicketStatusInPlugin = addPgTableCondition(
  { schemaName: 'public', tableName: 'ticket' },
  'statusIn',
  (build) => ({
    description: 'Only tickets whose status is one of these.',
    type: new build.graphql.GraphQLList(
      new build.graphql.GraphQLNonNull(build.graphql.GraphQLString),
    ),
  }),
  (value, { sql, sqlTableAlias, sqlValueWithCodec }) =>
    value == null
      ? null
      : sql`${sqlTableAlias}.status = ANY(${sqlValueWithCodec(value, listOfCodec(TYPES.text))})`,
);

export function benchPreset(databaseUrl: string): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [TicketStatusInPlugin],
    pgServices: [
      makePgService({
        connectionString: databaseUrl,
        schemas: ['public'],
        poolConfig: { max: Number(process.env.BENCH_PEER_POOL_MAX ?? 20) },
      }),
    ],
    grafserv: { graphiql: false, watch: false, graphqlPath: '/graphql' },
    grafast: { explain: false },
  };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const pgl = postgraphile(benchPreset(databaseUrl));
  await pgl.getSchema(); // introspect and build before listening
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  server.keepAliveTimeout = 60_000;
  await serv.addTo(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  console.log(
    JSON.stringify({ postgraphile: 'listening', url: `http://127.0.0.1:${port}/graphql` }),
  );
  const stop = () => {
    server.closeAllConnections();
    server.close();
    Promise.resolve(pgl.release()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
