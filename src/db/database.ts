import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { hasPendingMigrations, openOrm, type OrmOptions } from './orm';

export const EMBEDDED_DATABASE_NAME = 'backdesk';

export interface Database {
  orm: MikroORM;
  /** The connection string in use (for dedicated connections such as LISTEN). */
  url: string;
  /** Set when this process runs the embedded PostgreSQL. */
  embedded: EmbeddedPostgres | undefined;
  /** Whether the database answers and has every migration applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects to `DATABASE_URL`, or starts the embedded PostgreSQL under the data folder. */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: Pick<OrmOptions, 'entities' | 'poolMax'>,
): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPostgresPort,
        database: EMBEDDED_DATABASE_NAME,
        logger,
      });
  const clientUrl = config.databaseUrl ?? (embedded as EmbeddedPostgres).url;
  let orm: MikroORM;
  try {
    orm = await openOrm({
      clientUrl,
      ...options,
      log: (message) => logger.debug({ component: 'orm' }, message),
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  let migrated = false;
  return {
    orm,
    url: clientUrl,
    embedded,
    async isReady() {
      await orm.em.getConnection().execute('select 1');
      migrated ||= !(await hasPendingMigrations(orm));
      return migrated;
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
