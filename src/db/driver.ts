import {
  PostgreSqlConnection,
  PostgreSqlDriver,
  type Configuration,
  type MikroORM,
} from '@mikro-orm/postgresql';
import type { ClientConfig } from 'pg';
import { StatementPipeline } from './statement-pipeline';

/**
 * MikroORM's PostgreSQL connection with two statement pipelines beside knex's pool, closed with
 * it: one for reads outside a transaction, one for statements that take locks and are a
 * transaction of their own (`runLockingSql`).
 */
export class BackdeskConnection extends PostgreSqlConnection {
  /** The very settings knex's connections get: the same type parsers, name and timeouts. */
  private readonly settings = (): ClientConfig => {
    // knex keeps the password out of sight (not enumerable): it is copied by name.
    const knex = this.getKnex().client as unknown as { connectionSettings: ClientConfig };
    return { ...knex.connectionSettings, password: knex.connectionSettings.password };
  };

  readonly reads = new StatementPipeline(this.settings);

  readonly locking = new StatementPipeline(this.settings);

  override async close(force?: boolean): Promise<void> {
    await Promise.all([this.reads.close(), this.locking.close()]);
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
    connection instanceof BackdeskConnection ? [connection.reads, connection.locking] : [];
  knex.on('query', listener);
  for (const pipeline of pipelines) pipeline.events.on('query', listener);
  return () => {
    knex.off('query', listener);
    for (const pipeline of pipelines) pipeline.events.off('query', listener);
  };
}
