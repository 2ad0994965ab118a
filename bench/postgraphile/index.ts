/**
 * Starts the PostGraphile v5 peer (`server.ts`, compiled) in a process of its own, under the Node 22
 * binary that `node22.ts` installs into `.data/bench-tools/` on first use.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { processRss } from '../lib';
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

export function startPostGraphile(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<PostGraphileProcess> {
  const node = ensureNode22(log);
  const child = spawn(node, [path.join(__dirname, 'server.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostGraphile did not start:\n${output}`));
    }, 120_000);
    const onData = () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const pid = child.pid as number;
      resolve({
        graphqlUrl: match[1],
        pid,
        rss: () => processRss(pid),
        stop: async () => {
          child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`PostGraphile exited before listening:\n${output}`));
    });
  });
}
