import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

/**
 * One logger for the process. Secrets never reach it: request bodies are not logged, and the
 * paths below are redacted wherever they appear.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { service: 'backdesk' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'salary',
          '*.salary',
        ],
        censor: '[redacted]',
      },
    },
    // Asynchronous writes: lines logged while a write is in flight leave together in the next one,
    // instead of a blocking write per request line. pino flushes what is left when the process exits.
    pino.destination({ dest: 1, sync: false }),
  );
}

export type { Logger };
