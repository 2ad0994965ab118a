/**
 * A server in a process of its own, for the benchmarks: the load generator never shares its
 * event loop. Node built-ins only, so a lean child (the raw-SQL server) can import it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface SpawnedServer {
  child: ChildProcess;
  pid: number;
  /** The match of `ready` in the server's output (for its address). */
  ready: RegExpExecArray;
  /** The last 20,000 characters the server wrote (for a report when it dies). */
  output(): string;
  /** Resident set size of the server process in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** For messages: "PostGraphile", "raw server". */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Printed by the server once it listens. */
  ready: RegExp;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** Resident set size of a process in bytes, read from /proc (Linux). */
export function processRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Starts the server and resolves once it prints `ready`; rejects if it exits or stalls first. */
export function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
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
      reject(new Error(`${options.name} did not start:\n${output}`));
    }, options.startTimeoutMs ?? 60_000);
    const onData = () => {
      const ready = options.ready.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const pid = child.pid as number;
      resolve({
        child,
        pid,
        ready,
        output: () => output,
        rss: () => processRss(pid),
        stop: async () => {
          child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 20_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before listening:\n${output}`));
    });
  });
}
