import type { Browser } from 'playwright-core';
import { Client } from 'pg';
import { decodeGlobalId } from '../../src/graphql/global-id';
import {
  AssignTicketDocument,
  CreateTicketDocument,
  MeDocument,
  RespondToSatisfactionSurveyDocument,
  UpdateTicketStatusDocument,
} from '../generated/graphql';
import { createCustomer } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/test-server';
import {
  launchBrowser,
  queueRow,
  screenshot,
  showQueue,
  signedInConsole,
  type OpenConsole,
} from './support/browser';

/**
 * Customer satisfaction in Chromium against the real server: the lead sees a customer's answer
 * on the open ticket as it arrives (from the API and from the survey page, which works without
 * JavaScript), and the figures on the metrics page.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let lead: OpenConsole;
let agent: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  agent = await server.login('agent@example.com');
  lead = await signedInConsole(browser, server.baseUrl, 'lead@example.com');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await server?.close();
});

afterEach(() => {
  expect(lead.errors).toEqual([]);
});

/** The survey token in the link of the ticket's latest survey email (the local outbox). */
async function surveyToken(ticketId: string): Promise<string> {
  const { rows } = await db.query<{ text_body: string }>(
    `SELECT text_body FROM outbound_email WHERE ticket_id = $1 AND kind = 'SATISFACTION_SURVEY'
      ORDER BY id DESC LIMIT 1`,
    [decodeGlobalId(ticketId)?.key],
  );
  const token = /\/csat\/([0-9a-z]+-[0-9a-f]{32})/.exec(rows[0]?.text_body ?? '')?.[1];
  if (!token) throw new Error(`no survey for ${ticketId}`);
  return token;
}

describe('satisfaction at the console', () => {
  it('shows the answer on the ticket live, and the figures on the metrics page', async () => {
    const { page } = lead;
    const customerId = await createCustomer(server, agent, 'Umbrella');
    const created = await server.request(
      CreateTicketDocument,
      { input: { customerId, subject: 'Umbrella will not open', body: 'Stuck shut.' } },
      agent,
    );
    const ticket = created.data?.createTicket.ticket;
    if (!ticket) throw new Error(JSON.stringify(created));
    const agentId = (await server.request(MeDocument, {}, agent)).data?.me.id ?? '';
    await server.request(
      AssignTicketDocument,
      { input: { ticketId: ticket.id, assigneeId: agentId } },
      agent,
    );
    // The lead has the ticket open (from the "All open" queue) when it is solved and answered.
    await showQueue(page, 'All open');
    await queueRow(page, ticket.number).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: new RegExp(ticket.number) }).waitFor();
    await server.request(
      UpdateTicketStatusDocument,
      { input: { ticketId: ticket.id, status: 'SOLVED' } },
      agent,
    );
    await page.locator('.ticket-facts .status--solved').waitFor({ timeout: 15_000 });
    const token = await surveyToken(ticket.id);
    const badge = page.locator('.csat');
    expect(await badge.count()).toBe(0);

    const answered = await server.request(RespondToSatisfactionSurveyDocument, {
      input: { token, rating: 4, comment: 'Opens fine now' },
    });
    expect(answered.data?.respondToSatisfactionSurvey.userErrors).toEqual([]);
    await page.getByLabel('Customer satisfaction: 4 of 5').waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).toContain('Opens fine now');

    // The customer's page, in a browser tab of its own with JavaScript off.
    const customer = await browser.newContext({ javaScriptEnabled: false });
    try {
      const survey = await customer.newPage();
      await survey.goto(`${server.baseUrl}/csat/${token}`);
      await survey.getByRole('heading', { name: 'How did we do?' }).waitFor();
      await survey.getByLabel(/^5/).check();
      await survey.getByLabel(/Anything you would like to tell us/).fill('Great service');
      await survey.getByRole('button', { name: 'Change my answer' }).click();
      await survey.getByText('your answer is recorded').waitFor();
      await screenshot(survey, 'csat-page.png');
    } finally {
      await customer.close();
    }
    await page.getByLabel('Customer satisfaction: 5 of 5').waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).toContain('Great service');
    await screenshot(page, 'csat-ticket.png');

    await page
      .getByRole('navigation', { name: 'Tools' })
      .getByRole('link', { name: 'Metrics' })
      .click();
    await page.getByRole('heading', { name: 'Support metrics' }).waitFor();
    const perAgent = page.getByRole('table', { name: 'Satisfaction per agent' });
    await perAgent.waitFor();
    const agentName = (await server.request(MeDocument, {}, agent)).data?.me.name ?? '';
    const row = perAgent.getByRole('row', { name: new RegExp(agentName) });
    await row.waitFor();
    const { rows } = await db.query<{ sent: string; answered: string; average: string }>(
      `SELECT count(*) AS sent, count(rating) AS answered, round(avg(rating), 2)::text AS average
         FROM satisfaction_survey s JOIN employee e ON e.id = s.agent_id
        WHERE e.email = 'agent@example.com' AND sent_at >= current_date - 29`,
    );
    expect(await row.locator('td').allTextContents()).toEqual([
      rows[0].sent,
      rows[0].answered,
      rows[0].average,
    ]);
    await screenshot(page, 'metrics.png');
  });
});
