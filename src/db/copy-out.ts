import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** How much of a COPY's output may wait in Node while its reader is busy (then the socket pauses). */
const COPY_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Runs `COPY … TO STDOUT` on a connection of its own (a COPY holds its connection for as long
 * as it streams, so it never takes one of the ORM's) and hands its output, as it arrives, to
 * `read`, which may take its time: the stream pauses the socket when too much waits. Answers the
 * rows COPY reports having written. The session speaks UTC with ISO dates, so the output does
 * not depend on the server's settings.
 */
export async function copyOut(
  url: string,
  copySql: string,
  read: (output: AsyncIterable<Buffer>) => Promise<void>,
): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'backdesk-copy' });
  await client.connect();
  try {
    await client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET statement_timeout = 0",
    );
    const stream = client.query(copyTo(copySql, { highWaterMark: COPY_BUFFER_BYTES }));
    try {
      await read(stream);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    // COPY reports its count after its last data: a statement queued behind it runs once it has.
    await client.query('SELECT 1');
    return stream.rowCount;
  } finally {
    await client.end().catch(() => undefined);
  }
}
