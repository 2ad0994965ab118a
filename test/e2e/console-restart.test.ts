import pino from 'pino';
import type { Browser } from 'playwright-core';
import { openOrm } from '../../src/db/orm';
import { ENTITIES } from '../../src/modules/entities';
import { seedDemoData } from '../../src/modules/seed';
import { graphql, login, waitForSubscriptions } from '../support/live-client';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  connectionState,
  launchBrowser,
  queueRow,
  showQueue,
  signedInConsole,
} from './support/browser';

/**
 * The server behind an open console restarts: the console reconnects by itself, resumes every
 * feed after its last cursor, and shows what was written meanwhile, without reloading the page.
 * Two server processes share the database: one serves the console and is restarted, the other
 * takes the writes while the first is down.
 */
let database: TestDatabase;
let consoleServer: ServerProcess;
let writer: ServerProcess;
let browser: Browser;

const url = (server: ServerProcess) => `http://127.0.0.1:${server.port}`;

beforeAll(async () => {
  database = await createTestDatabase();
  const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
  await seedDemoData(orm, pino({ level: 'silent' }));
  await orm.close(true);
  [consoleServer, writer, browser] = await Promise.all([
    startServerProcess(database.url),
    startServerProcess(database.url),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of [consoleServer, writer])
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await database?.drop();
});

/** A ticket written through the other instance, for the first demo customer. */
async function createTicket(
  token: string,
  subject: string,
  body = 'Hello',
): Promise<{ id: string; number: string }> {
  const { customers } = await graphql<{ customers: { nodes: { id: string }[] } }>(
    url(writer),
    token,
    '{ customers(first: 1) { nodes { id } } }',
  );
  const created = await graphql<{ createTicket: { ticket: { id: string; number: string } } }>(
    url(writer),
    token,
    'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id number } } }',
    { input: { customerId: customers.nodes[0].id, subject, body, channel: 'WEB' } },
  );
  return created.createTicket.ticket;
}

it('reconnects by itself after the server restarts and shows the messages written while it was down', async () => {
  const agent = await login(url(writer), 'agent@example.com');
  const ticket = await createTicket(
    agent,
    'Chair wobbles',
    'One leg of the new chair is shorter than the others.',
  );

  const { page, errors } = await signedInConsole(browser, url(consoleServer), 'lead@example.com');
  await showQueue(page, 'Unassigned');
  await queueRow(page, ticket.number).getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: new RegExp(ticket.number) }).waitFor();
  await waitForSubscriptions(url(consoleServer), 'ticketEvents', 5); // four queues and the ticket
  await page.evaluate('window.sameDocument = "before the restart"');

  const { port } = consoleServer;
  consoleServer.child.kill('SIGTERM');
  expect(await consoleServer.exited).toEqual({ code: 0, signal: null });
  await connectionState(page, 'reconnecting').waitFor({ timeout: 5_000 });

  const written = ['Sent a replacement leg today.', 'Tracking number: JD014600003.'];
  for (const body of written) {
    await graphql(
      url(writer),
      agent,
      'mutation($input: ReplyToTicketInput!) { replyToTicket(input: $input) { userErrors { message } } }',
      { input: { ticketId: ticket.id, body } },
    );
  }
  await graphql(
    url(writer),
    agent,
    'mutation($input: UpdateTicketStatusInput!) { updateTicketStatus(input: $input) { userErrors { message } } }',
    { input: { ticketId: ticket.id, status: 'PENDING' } },
  );

  consoleServer = await startServerProcess(database.url, { PORT: String(port) });
  await connectionState(page, 'live').waitFor({ timeout: 20_000 });

  for (const body of written) {
    const message = page.locator('.message--reply', { hasText: body });
    await message.waitFor({ timeout: 5_000 });
    await expect(message.locator('.badge--missed').textContent()).resolves.toBe(
      'Arrived while you were offline',
    );
  }
  await page.locator('.ticket-facts .status', { hasText: 'Pending' }).waitFor({ timeout: 5_000 });
  const missed = page.getByRole('region', { name: /While you were offline/ });
  await missed.waitFor({ timeout: 5_000 });
  for (const body of written) await expect(missed.textContent()).resolves.toContain(body);
  await expect(missed.textContent()).resolves.toContain(
    'Sam Agent changed the status from Open to Pending',
  );

  // The same document all along: reconnected, not reloaded.
  await expect(page.evaluate('window.sameDocument')).resolves.toBe('before the restart');
  // Resumed from its cursors, the console got each message once.
  for (const body of written)
    await expect(page.locator('.message', { hasText: body }).count()).resolves.toBe(1);
  // While the server was down the browser logged failed connections; nothing else.
  expect(errors.filter((error) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(error))).toEqual([]);
});

it('reloads its lists and starts again from the newest cursor when its cursor is older than the history kept (RESYNC_REQUIRED)', async () => {
  const agent = await login(url(writer), 'agent@example.com');

  const { page, subscribes } = await signedInConsole(
    browser,
    url(consoleServer),
    'lead@example.com',
  );
  await showQueue(page, 'Unassigned');
  await waitForSubscriptions(url(consoleServer), 'ticketEvents', 4);

  const { port } = consoleServer;
  consoleServer.child.kill('SIGTERM');
  expect(await consoleServer.exited).toEqual({ code: 0, signal: null });
  await connectionState(page, 'reconnecting').waitFor({ timeout: 5_000 });
  const { number: whileDown } = await createTicket(agent, 'Written while the console was away');
  // The retention job has moved on past every cursor the console holds.
  const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 1 });
  const [{ pruned }] = await orm.em
    .fork()
    .execute<{ pruned: string }[]>(
      'UPDATE event_retention SET pruned_through = (SELECT max(seq) FROM event) WHERE id = 1 RETURNING pruned_through AS pruned',
    );
  const sentBefore = subscribes.length;

  consoleServer = await startServerProcess(database.url, { PORT: String(port) });
  try {
    await connectionState(page, 'live').waitFor({ timeout: 20_000 });
    // The lists are read again: the ticket written meanwhile is there.
    await queueRow(page, whileDown).waitFor({ timeout: 10_000 });
    // Every queue feed starts again after a cursor read before that reload, never from nowhere.
    await waitForSubscriptions(url(consoleServer), 'ticketEvents', 4);
    const restarted = subscribes
      .slice(sentBefore)
      .filter(({ query }) => query.includes('subscription ConsoleQueueEvents'))
      .map(({ variables }) => variables?.after);
    expect(
      restarted.filter((after) => Number(after) >= Number(pruned)).length,
    ).toBeGreaterThanOrEqual(4);
    expect(restarted).not.toContain(null);
    // And the feeds are live again.
    const { number: afterwards } = await createTicket(agent, 'Written after the resync');
    await queueRow(page, afterwards).waitFor({ timeout: 5_000 });
  } finally {
    await orm.em.fork().execute('UPDATE event_retention SET pruned_through = 0 WHERE id = 1');
    await orm.close(true);
  }
});
