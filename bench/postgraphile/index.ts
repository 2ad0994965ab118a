/**
 * Starts the PostGraphile v5 peer (`server.ts`, compiled) in a process of its own, under the Node 22
 * binary that `node22.ts` installs into `.data/bench-tools/` on first use.
 */
import path from 'node:path';
import { spawnServer } from '../server-process';
import { ensureNode22 } from './node22';

export { POSTGRAPHILE_OPERATIONS } from './queries';

export interface PostGraphileProcess {
  /** http://127.0.0.1:<port>/graphql */
  graphqlUrl: string;
  pid: number;
  /** Resident set size of the server process in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

const READY = /"postgraphile":"listening","url":"([^"]+)"/;

export async function startPostGraphile(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<PostGraphileProcess> {
  const server = await spawnServer({
    name: 'PostGraphile',
    command: ensureNode22(log),
    args: [path.join(__dirname, 'server.js')],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
    },
    ready: READY,
    startTimeoutMs: 120_000,
    stopTimeoutMs: 10_000,
  });
  return { graphqlUrl: server.ready[1], pid: server.pid, rss: server.rss, stop: server.stop };
}
