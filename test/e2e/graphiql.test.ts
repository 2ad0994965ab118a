import type { Browser, Page } from 'playwright-core';
import { CreateTicketDocument } from '../generated/graphql';
import { createCustomer, uniqueSuffix } from '../support/fixtures';
import { waitForSubscriptions } from '../support/live-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { LAPTOP, launchBrowser } from './support/browser';

/**
 * GraphiQL at /graphiql: served from the npm package's own build by Backdesk (nothing leaves
 * this machine), a token in its Headers tab, a query over HTTP and a subscription over graphql-ws.
 */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A CodeMirror editor of GraphiQL's, driven through its own API (typing would auto-close brackets). */
function editor(selector: string) {
  const element = `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
  return {
    set: (page: Page, text: string) =>
      page.evaluate(`${element}.setValue(${JSON.stringify(text)})`),
    get: (page: Page) => page.evaluate(`${element}.getValue()`) as Promise<string>,
  };
}

const queryEditor = editor('.graphiql-query-editor');
const headersEditor = editor('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
const responseView = editor('.graphiql-response');

/** Puts an operation in the editor and waits until GraphiQL has parsed it (it then updates the address). */
async function writeOperation(page: Page, name: string, text: string): Promise<void> {
  await queryEditor.set(page, text);
  await page.waitForURL((address) => address.searchParams.get('query')?.includes(name) ?? false);
}

async function responseContaining(page: Page, text: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await responseView.get(page);
    if (response.includes(text)) return response;
    if (Date.now() > deadline) throw new Error(`the response never showed ${text}:\n${response}`);
    await page.waitForTimeout(50);
  }
}

it('loads with nothing from outside this machine and runs a query and a subscription with the token from its Headers tab', async () => {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  const origin = new URL(server.baseUrl);
  const elsewhere: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => {
    const address = new URL(request.url());
    if (!['data:', 'blob:'].includes(address.protocol) && address.host !== origin.host)
      elsewhere.push(request.url());
  });
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).host !== origin.host) elsewhere.push(socket.url());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto(`${server.baseUrl}/graphiql`);
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  await expect(queryEditor.get(page)).resolves.toContain('mutation SignIn');

  const token = await server.login('agent@example.com');
  await expect(headersEditor.get(page)).resolves.toContain('"authorization"');
  await headersEditor.set(page, JSON.stringify({ authorization: `Bearer ${token}` }, null, 2));
  await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();

  await writeOperation(page, 'WhoAmI', 'query WhoAmI {\n  me {\n    email\n    roles\n  }\n}');
  await page.getByRole('button', { name: /Execute query/ }).click();
  await responseContaining(page, '"email": "agent@example.com"');

  const customerId = await createCustomer(server, token, 'Initech');
  await writeOperation(
    page,
    'NewTickets',
    `subscription NewTickets {\n  ticketEvents(filter: { customerId: "${customerId}" }) {\n    cursor\n    type\n    ticket {\n      number\n      subject\n    }\n  }\n}`,
  );
  await page.getByRole('button', { name: /Execute query/ }).click();
  await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
  const subject = `Printer jams on page two ${uniqueSuffix()}`;
  await server.request(
    CreateTicketDocument,
    { input: { customerId, subject, body: 'Every second page jams.', channel: 'PHONE' } },
    token,
  );
  const event = await responseContaining(page, subject);
  expect(event).toContain('"type": "CREATED"');

  // The schema came back with the token: the documentation explorer knows the API.
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.locator('.graphiql-doc-explorer').getByText('Subscription').first().waitFor();

  expect(elsewhere).toEqual([]);
  expect(errors.filter((error) => /Content Security Policy/i.test(error))).toEqual([]);
  await context.close();
});

it('opens from the console with its session token already in the Headers tab', async () => {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await page.getByLabel('Work email').fill('lead@example.com');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'GraphiQL' }).click();
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  await expect(headersEditor.get(page)).resolves.toMatch(/"authorization": "Bearer ey/);
  await writeOperation(page, 'Lead', 'query Lead {\n  me {\n    email\n  }\n}');
  await page.getByRole('button', { name: /Execute query/ }).click();
  await responseContaining(page, '"email": "lead@example.com"');
  await context.close();
});
