import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';
import { TEST_JWT_SECRET } from './test-server';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote so far (JSON log lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server (`dist/src/main.js`, as `npm start` runs it) in its own process, and
 * resolves once it listens; with `role: 'worker'` the workers alone (`npm run worker`), resolved
 * once they run (its `port` is 0). `npm test` builds first.
 */
export function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  role: 'server' | 'worker' = 'server',
): Promise<ServerProcess> {
  const main = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');
  const child = spawn(process.execPath, role === 'worker' ? [main, 'worker'] : [main], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      DEMO_SEED: 'false',
      // The unsent-invoice sweep runs on a cron no test controls.
      INVOICE_SWEEP_MINUTES: '0',
      // As `npm start` runs it: not jest's NODE_ENV=test, which turns off Apollo's signal handling.
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 30_000);
    const onData = () => {
      const match =
        role === 'worker'
          ? /"msg":"Backdesk workers are running"/.exec(output)
          : /"port":(\d+),"msg":"Backdesk is serving/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ child, port: Number(match[1] ?? 0), output: () => output, exited });
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}
