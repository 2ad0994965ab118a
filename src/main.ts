import 'reflect-metadata';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startBackdesk } from './server/start';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const backdesk = await startBackdesk(config, logger);

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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
