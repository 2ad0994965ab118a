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
 * Counts the SQL statements the server runs on its connections (pool and read pipeline) while
 * `run` runs, and the waves they go out in: the turns of the event loop that send any (the
 * statements of one turn go to PostgreSQL together, and each wave waits for the one before it).
 * The fewest of three runs is kept: a background statement of a kind not listed above can still
 * slip into one window, but not into all three.
 */
export async function countStatements(
  server: TestServer,
  run: () => Promise<void>,
): Promise<{ count: number; waves: number; statements: string[] }> {
  let fewest: { statements: string[]; waves: number } | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const statements: string[] = [];
    const turns = new Set<number>();
    let turn = 0;
    let ticking = setImmediate(function tick() {
      turn += 1;
      ticking = setImmediate(tick);
    });
    const listener = (query: { sql: string }) => {
      if (BACKGROUND.test(query.sql)) return;
      statements.push(query.sql);
      turns.add(turn);
    };
    const stop = watchStatements(server.backdesk.database.orm, listener);
    try {
      await run();
    } finally {
      stop();
      clearImmediate(ticking);
    }
    if (!fewest || statements.length < fewest.statements.length)
      fewest = { statements, waves: turns.size };
  }
  return {
    count: fewest?.statements.length ?? 0,
    waves: fewest?.waves ?? 0,
    statements: fewest?.statements ?? [],
  };
}
