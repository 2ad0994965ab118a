import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

/**
 * One logger for the process. Secrets never reach it: request bodies are not logged, and the
 * paths below are redacted wherever they appear.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
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
  });
}

export type { Logger };
