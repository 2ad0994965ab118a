import 'reflect-metadata';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startBackdesk, startWorker } from './server/start';

/** `node dist/src/main.js` serves and works (`npm start`); `… main.js worker` only works (`npm run worker`). */
async function main(role: string | undefined): Promise<void> {
  if (role !== undefined && role !== 'worker')
    throw new Error(`unknown role "${role}": try worker`);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const backdesk =
    role === 'worker' ? await startWorker(config, logger) : await startBackdesk(config, logger);

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // A terminal's Ctrl-C reaches both npm and node, so one request to stop often arrives twice.
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 15_000).unref();
    backdesk.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
