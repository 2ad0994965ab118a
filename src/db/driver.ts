import {
  PostgreSqlConnection,
  PostgreSqlDriver,
  type Configuration,
  type MikroORM,
} from '@mikro-orm/postgresql';
import type { ClientConfig } from 'pg';
import { StatementPipeline } from './statement-pipeline';

/**
 * MikroORM's PostgreSQL connection with statement pipelines beside knex's pool, closed with it:
 * for reads outside a transaction, for reads by key, and for statements that take locks and are
 * a transaction of their own (`runLockingSql`).
 */
export class BackdeskConnection extends PostgreSqlConnection {
  /** The very settings knex's connections get: the same type parsers, name and timeouts. */
  private readonly settings = (): ClientConfig => {
    // knex keeps the password out of sight (not enumerable): it is copied by name.
    const knex = this.getKnex().client as unknown as { connectionSettings: ClientConfig };
    return { ...knex.connectionSettings, password: knex.connectionSettings.password };
  };

  readonly reads = new StatementPipeline(this.settings);

  /**
   * Reads that look rows up by key (`runKeyedSql`), on connections that plan each statement once
   * (`plan_cache_mode = force_generic_plan`). Left to itself PostgreSQL planned them anew at
   * every call: the plan it would keep assumes an array of keys of unknown length, which it
   * rates dearer than a plan for the one key given, though both are the same index lookups.
   */
  readonly keyed = new StatementPipeline(() => {
    const settings = this.settings();
    const generic = '-c plan_cache_mode=force_generic_plan';
    return { ...settings, options: settings.options ? `${settings.options} ${generic}` : generic };
  });

  readonly locking = new StatementPipeline(this.settings);

  override async close(force?: boolean): Promise<void> {
    await Promise.all([this.reads.close(), this.keyed.close(), this.locking.close()]);
    await super.close(force);
  }
}

/** MikroORM's PostgreSQL driver on a `BackdeskConnection`. */
export class BackdeskDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    // PostgreSqlDriver builds its connection from a class it names itself; this one replaces it
    // before anything connects.
    (this as unknown as { connection: BackdeskConnection }).connection = new BackdeskConnection(
      config,
    );
  }
}

/**
 * Calls `listener` with each statement run on the ORM's connections, pooled and pipelined alike
 * (statement counts), until the function it returns is called.
 */
export function watchStatements(
  orm: MikroORM,
  listener: (statement: { sql: string }) => void,
): () => void {
  const connection = orm.em.getConnection();
  const knex = connection.getKnex();
  const pipelines =
    connection instanceof BackdeskConnection
      ? [connection.reads, connection.keyed, connection.locking]
      : [];
  knex.on('query', listener);
  for (const pipeline of pipelines) pipeline.events.on('query', listener);
  return () => {
    knex.off('query', listener);
    for (const pipeline of pipelines) pipeline.events.off('query', listener);
  };
}
