import { watchStatements } from '../../src/db/driver';
import type { TestServer } from './test-server';

/**
 * Background work shares the pool with requests (the live feed's catch-up read, presence
 * heart-beats, event retention and their transactions); its statements are not the request's.
 * A new background job adds its statement here.
 */
const BACKGROUND =
  /from event\s+where seq >|pg_notify|event_retention|from event\s+where occurred_at|^\s*(listen|unlisten)\b/i;

/**
 * Counts the SQL statements the server runs on its connections (pool and read pipeline) while `run` runs. The fewest of
 * three runs is kept: a background statement of a kind not listed above can still slip into one
 * window, but not into all three.
 */
export async function countStatements(
  server: TestServer,
  run: () => Promise<void>,
): Promise<{ count: number; statements: string[] }> {
  let fewest: string[] | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const statements: string[] = [];
    const listener = (query: { sql: string }) => {
      if (!BACKGROUND.test(query.sql)) statements.push(query.sql);
    };
    const stop = watchStatements(server.backdesk.database.orm, listener);
    try {
      await run();
    } finally {
      stop();
    }
    if (!fewest || statements.length < fewest.length) fewest = statements;
  }
  return { count: fewest?.length ?? 0, statements: fewest ?? [] };
}
