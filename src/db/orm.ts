import path from 'node:path';
import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PROJECT_ROOT } from '../config';
import { BackdeskDriver } from './driver';

/** Running from TypeScript sources (jest) rather than the compiled `dist/`. */
const RUNNING_TS = __filename.endsWith('.ts');

export interface OrmOptions {
  clientUrl: string;
  /** The mapped entities: `ENTITIES` (modules/entities.ts), which db/ does not import. */
  entities: NonNullable<Options['entities']>;
  poolMax?: number;
  /** Prints every SQL statement (debugging). */
  debug?: boolean;
  /** Where MikroORM's own messages (migrations applied, ...) go. */
  log?: (message: string) => void;
}

export function ormConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    // PostgreSQL, with statements outside transactions pipelined (src/db/statement-pipeline.ts).
    driver: BackdeskDriver,
    entities: options.entities,
    extensions: [Migrator],
    preferTs: RUNNING_TS,
    // Load migrations with require (CommonJS): it works from dist/ and under jest's TypeScript transform.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dynamicImportProvider: (id: string) => Promise.resolve(require(id)),
    forceUtcTimezone: true,
    debug: options.debug ?? false,
    logger: options.log ?? (() => undefined),
    // Request code forks its own entity manager; the global one is never used for requests.
    allowGlobalContext: false,
    // With the database down, a request fails within seconds (SERVICE_UNAVAILABLE) instead of
    // hanging: connecting times out after 5 s and knex passes that failure straight to the waiting
    // request. Waiting for a free connection is only a queue, so a burst of requests (hundreds of
    // orders on a busy 2-core machine) gets a longer allowance before it is turned away.
    pool: {
      min: 0,
      max: options.poolMax ?? 20,
      idleTimeoutMillis: 30_000,
      acquireTimeoutMillis: 20_000,
    },
    driverOptions: { connection: { application_name: 'backdesk', connectionTimeoutMillis: 5_000 } },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: path.join(PROJECT_ROOT, 'dist', 'migrations'),
      pathTs: path.join(PROJECT_ROOT, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) =>
        `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
  });
}

export function openOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

/** Applies pending migrations; returns the names it applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

/** Whether every committed migration has been applied. */
export async function hasPendingMigrations(orm: MikroORM): Promise<boolean> {
  return (await orm.getMigrator().getPendingMigrations()).length > 0;
}
