import {
  PostgreSqlConnection,
  PostgreSqlDriver,
  type Configuration,
  type MikroORM,
} from '@mikro-orm/postgresql';
import type { ClientConfig } from 'pg';
import { LockingGate } from './locking-gate';
import { ReadPipeline } from './read-pipeline';

/**
 * MikroORM's PostgreSQL connection with the read pipeline beside knex's pool, closed with it, and
 * the gate that locking statements outside a transaction pass on their way to the pool.
 */
export class BackdeskConnection extends PostgreSqlConnection {
  readonly lockingGate = new LockingGate();

  readonly reads = new ReadPipeline(() => {
    // The very settings knex's connections get: the same type parsers, name and timeouts. knex
    // keeps the password out of sight (not enumerable): it is copied by name.
    const knex = this.getKnex().client as unknown as { connectionSettings: ClientConfig };
    return { ...knex.connectionSettings, password: knex.connectionSettings.password };
  });

  override async close(force?: boolean): Promise<void> {
    await this.reads.close();
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
  knex.on('query', listener);
  if (connection instanceof BackdeskConnection) connection.reads.events.on('query', listener);
  return () => {
    knex.off('query', listener);
    if (connection instanceof BackdeskConnection) connection.reads.events.off('query', listener);
  };
}
