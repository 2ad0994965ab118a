import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrateUp } from './db/orm';
import { createLogger } from './logger';
import { ENTITIES } from './modules/entities';
import { seedDemoData } from './modules/seed';

const USAGE = 'usage: cli.js migrate | seed | migration:create <name> | migration:check';

/** `npm run migrate`, `npm run seed`, `npm run migration:create -- <name>`. */
async function run(command: string | undefined, argument: string | undefined): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!command || !['migrate', 'seed', 'migration:create', 'migration:check'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const database = await openDatabase(config, logger, { entities: ENTITIES, poolMax: 2 });
  try {
    const applied = await migrateUp(database.orm);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'no pending migrations');
    if (command === 'seed') await seedDemoData(database.orm, logger);
    if (command === 'migration:check') {
      const needed = await database.orm.getMigrator().checkMigrationNeeded();
      console.log(
        needed
          ? 'entities and migrations differ: run npm run migration:create'
          : 'entities and migrations agree',
      );
      return needed ? 1 : 0;
    }
    if (command === 'migration:create') {
      if (!argument || !/^[A-Za-z0-9_]+$/.test(argument)) {
        console.error('name the migration: npm run migration:create -- add_orders');
        return 2;
      }
      const result = await database.orm
        .getMigrator()
        .createMigration(undefined, false, false, argument);
      console.log(
        result.fileName
          ? `created migrations/${result.fileName}`
          : 'no changes: nothing to migrate',
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}

run(process.argv[2], process.argv[3]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
