import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { types } from 'node:util';
import { Client } from 'pg';
import { CreateTicketDocument, PlaceOrderDocument } from './generated/graphql';
import { createCustomer, createProduct } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * On Node 20, entering one AsyncLocalStorage scope turns on promise hooks for the whole process,
 * for good, and every promise of every request then pays for them: 8–10% of the CPU of a page
 * read. Neither our code (eslint.config.mjs bans it in src/) nor MikroORM (patches/: its flush
 * entered one) may enter a scope while starting, seeding, signing in, reading or writing.
 *
 * Jest enters a scope of its own around every test, so scopes are told apart by who entered them.
 *
 * Node 24 implements AsyncLocalStorage with AsyncContextFrame, where a scope turns no promise hooks
 * on; the ban and the patch stay because Node 20 is still supported and tested (.ci/run runs both).
 * Where scopes leave hooks off (asked of a fresh process on this runtime and its flags, not read
 * from the version), the test also checks that nothing else, such as an async hook, turned them on.
 */
const enteredBy: string[] = [];
const original = {
  run: AsyncLocalStorage.prototype.run,
  enterWith: AsyncLocalStorage.prototype.enterWith,
};

function noteCaller(): void {
  const caller = new Error().stack?.split('\n')[3] ?? '';
  // On Node 24, Node's own run enters through enterWith: that scope was noted by run already.
  if (caller.includes('node:internal/async_local_storage')) return;
  if (!caller.includes('jest-circus')) enteredBy.push(caller.trim());
}

/** Promise hooks are on when a promise reaction runs with its promise as the async resource. */
function promiseHooksOn(): Promise<boolean> {
  return Promise.resolve().then(() => types.isPromise(executionAsyncResource()));
}

/** A fresh process on this runtime and its flags: are hooks on after a scope, and after a hook? */
function askFreshProcess(): { afterScope: boolean; afterHook: boolean } {
  const script = `
    const { AsyncLocalStorage, createHook, executionAsyncResource } = require('node:async_hooks');
    const on = () => Promise.resolve().then(() => require('node:util').types.isPromise(executionAsyncResource()));
    (async () => {
      new AsyncLocalStorage().run(1, () => {});
      const afterScope = await on();
      createHook({ init() {} }).enable();
      process.stdout.write(JSON.stringify({ afterScope, afterHook: await on() }));
    })();`;
  const out = execFileSync(process.execPath, [...process.execArgv, '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { afterScope: boolean; afterHook: boolean };
}

const fresh = askFreshProcess();
/** Node 20 (or 24 with --no-async-context-frame): Jest's own scopes have turned them on already. */
const scopesTurnHooksOn = fresh.afterScope;

let server: TestServer;

beforeAll(async () => {
  AsyncLocalStorage.prototype.run = function run<R, A extends unknown[]>(
    this: AsyncLocalStorage<unknown>,
    store: unknown,
    callback: (...args: A) => R,
    ...args: A
  ): R {
    noteCaller();
    return original.run.call(this, store, callback, ...args) as R;
  };
  AsyncLocalStorage.prototype.enterWith = function enterWith(
    this: AsyncLocalStorage<unknown>,
    store: unknown,
  ): void {
    noteCaller();
    original.enterWith.call(this, store);
  };
  server = await startTestServer();
});

afterAll(async () => {
  AsyncLocalStorage.prototype.run = original.run;
  AsyncLocalStorage.prototype.enterWith = original.enterWith;
  await server?.close();
});

it('serves reads and writes, entities flushed included, without entering an AsyncLocalStorage scope', async () => {
  const admin = await server.login('admin@example.com');
  // Both go through MikroORM's unit of work: entities created and flushed.
  const customerId = await createCustomer(server, admin);
  const productId = await createProduct(server, admin);
  const placed = await server.request(
    PlaceOrderDocument,
    { input: { customerId, lines: [{ productId, quantity: 2 }] } },
    admin,
  );
  expect(placed.data?.placeOrder.userErrors).toEqual([]);
  const ticket = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject: 'Where is my order?', body: 'It has not arrived.' } },
    admin,
  );
  expect(ticket.data?.createTicket.userErrors).toEqual([]);
  const page = await server.raw(
    '{ tickets(first: 5) { nodes { number customer { name } lastMessage { body } } } }',
    {},
    admin,
  );
  expect(page.errors).toBeUndefined();

  expect(enteredBy).toEqual([]);
  expect(await promiseHooksOn()).toBe(scopesTurnHooksOn);
});

it('still masks an unexpected error with the id of its request, and keeps the schema from anonymous clients', async () => {
  const admin = await server.login('admin@example.com');
  const client = new Client({ connectionString: server.database.url });
  await client.connect();
  try {
    // A database error no code expects: the message must not reach the client, the id must.
    await client.query('ALTER TABLE ticket_message RENAME TO ticket_message_away');
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${admin}`,
        'x-request-id': 'masked-error-under-test',
      },
      body: JSON.stringify({ query: '{ tickets(first: 2) { nodes { lastMessage { body } } } }' }),
    });
    const body = (await response.json()) as { errors?: { message: string; extensions?: object }[] };
    expect(body.errors?.[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'masked-error-under-test' },
    });
    expect(JSON.stringify(body)).not.toMatch(/ticket_message/);
  } finally {
    await client.query('ALTER TABLE ticket_message_away RENAME TO ticket_message');
    await client.end();
  }
  const anonymous = await server.raw('{ mee { id } }');
  expect(JSON.stringify(anonymous.errors)).not.toMatch(/Did you mean/);
  const signedIn = await server.raw('{ mee { id } }', {}, admin);
  expect(signedIn.errors?.[0]?.message).toMatch(/Did you mean "me"/);
  expect(enteredBy).toEqual([]);
  expect(await promiseHooksOn()).toBe(scopesTurnHooksOn);
});

it('sees promise hooks that are on, so the checks above can fail on every runtime', () => {
  expect(fresh.afterHook).toBe(true);
});
