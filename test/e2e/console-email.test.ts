import type { Browser, Page } from 'playwright-core';
import {
  ConsoleOutboundEmailDocument,
  ConsoleOutboxDocument,
  CreateCustomerDocument,
  CreateTicketDocument,
  ReplyToTicketDocument,
} from '../generated/graphql';
import { uniqueSuffix } from '../support/fixtures';
import { waitForSubscriptions } from '../support/live-client';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
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
 * The console and email, in Chromium against the real server: a reply's delivery as it goes
 * (QUEUED, then SENT or FAILED) without a reload, and the administrators' outbox page.
 *
 * The first server has no SMTP_URL, so its mail goes to the local outbox, and it starts with no
 * job workers: a reply's email stays QUEUED until a test starts them, so "Sending…" is seen for
 * sure. The second sends to a real SMTP server that refuses every message.
 */
let browser: Browser;
/** Emails per page of the console's outbox (web/console/src/model/use-outbox.ts). */
const OUTBOX_PAGE = 25;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function createCustomerAndTicket(server: TestServer, token: string, subject: string) {
  const customer = await server.request(
    CreateCustomerDocument,
    {
      input: {
        name: 'Initech',
        email: `accounts-${uniqueSuffix()}@initech.example`,
        company: 'Initech',
      },
    },
    token,
  );
  const customerId = customer.data?.createCustomer.customer?.id;
  if (!customerId) throw new Error(JSON.stringify(customer));
  const created = await server.request(
    CreateTicketDocument,
    {
      input: {
        customerId,
        subject,
        body: 'Two of the staplers we ordered arrived broken.',
        priority: 'HIGH',
        channel: 'WEB',
      },
    },
    token,
  );
  const ticket = created.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(created));
  return { ticket, email: customer.data?.createCustomer.customer?.email ?? '' };
}

async function openTicket(page: Page, number: string): Promise<void> {
  await showQueue(page, 'Unassigned');
  await queueRow(page, number).getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
}

async function sendReply(page: Page, body: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Reply' }).fill(body);
  await page.getByRole('button', { name: 'Send reply' }).click();
}

/** The delivery line of the reply with this text. */
function deliveryOf(page: Page, body: string) {
  return page.locator('.message--reply', { hasText: body }).locator('.delivery');
}

/** The outbox as the API lists it (newest first), read as an administrator. */
async function outbox(server: TestServer, admin: string) {
  const result = await server.request(ConsoleOutboxDocument, { first: 100 }, admin);
  if (!result.data) throw new Error(JSON.stringify(result));
  return result.data.outboundEmails;
}

describe('a reply mailed through the local outbox', () => {
  let server: TestServer;
  let agent: string;
  let admin: string;
  let agentConsole: OpenConsole;
  let adminConsole: OpenConsole;
  let ticket: { id: string; number: string };
  let customerEmail: string;
  const subject = 'Staplers arrived broken';
  const reply = 'Sorry about that: two new staplers leave our warehouse today.';
  let sent: { id: string; subject: string; messageId: string };

  beforeAll(async () => {
    server = await startTestServer({ RUN_WORKERS: 'false', JOB_POLL_MS: '500' });
    [agent, admin] = await Promise.all([
      server.login('agent@example.com'),
      server.login('admin@example.com'),
    ]);
    ({ ticket, email: customerEmail } = await createCustomerAndTicket(server, agent, subject));
    [agentConsole, adminConsole] = await Promise.all([
      signedInConsole(browser, server.baseUrl, 'agent@example.com'),
      signedInConsole(browser, server.baseUrl, 'admin@example.com'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  afterEach(() => {
    // Whatever a test did, neither page may have thrown or logged an error.
    expect([...agentConsole.errors, ...adminConsole.errors]).toEqual([]);
  });

  it('shows the reply as Sending… while its email waits, then as emailed with its Message-ID, in the agent’s and a colleague’s console', async () => {
    await openTicket(agentConsole.page, ticket.number);
    await openTicket(adminConsole.page, ticket.number);
    // Both consoles' four queues and open ticket are live: the admin sees the reply arrive.
    await waitForSubscriptions(server.baseUrl, 'ticketEvents', 10);
    await sendReply(agentConsole.page, reply);

    for (const page of [agentConsole.page, adminConsole.page]) {
      const delivery = deliveryOf(page, reply);
      await delivery.waitFor({ timeout: 5_000 });
      await expect(delivery.getAttribute('data-delivery')).resolves.toBe('QUEUED');
      await expect(delivery.innerText()).resolves.toBe('Sending…');
    }
    const [queued] = (await outbox(server, admin)).nodes;
    expect(queued).toMatchObject({
      subject: `Re: ${subject} [${ticket.number}]`,
      status: 'QUEUED',
      to: `"Initech" <${customerEmail}>`,
    });
    sent = queued;

    // The workers start: the email goes to the local outbox, and both consoles see it leave
    // without a reload (the ticket's feed does not announce it: they ask while it is QUEUED).
    await server.backdesk.jobs.work();
    for (const page of [agentConsole.page, adminConsole.page]) {
      const emailed = deliveryOf(page, reply).and(page.locator('[data-delivery="SENT"]'));
      await emailed.waitFor({ timeout: 20_000 });
      await expect(emailed.innerText()).resolves.toMatch(/^Emailed \d/);
      await expect(emailed.getAttribute('title')).resolves.toBe(`Message-ID: ${sent.messageId}`);
    }
    const delivered = await server.request(ConsoleOutboundEmailDocument, { id: sent.id }, admin);
    expect(delivered.data?.node).toMatchObject({ status: 'SENT', transport: 'outbox' });
  });

  it('does not offer the Outbox to an agent who is not an administrator', async () => {
    const tools = agentConsole.page.getByRole('navigation', { name: 'Tools' });
    await tools.getByRole('link', { name: 'GraphiQL' }).waitFor();
    await expect(tools.getByRole('link', { name: 'Outbox' }).count()).resolves.toBe(0);
    await expect(
      adminConsole.page
        .getByRole('navigation', { name: 'Tools' })
        .getByRole('link', { name: 'Outbox' })
        .count(),
    ).resolves.toBe(1);
  });

  it('lists the email in an administrator’s Outbox, newest first, by state, with its headers and text', async () => {
    const { page } = adminConsole;
    await page
      .getByRole('navigation', { name: 'Tools' })
      .getByRole('link', { name: 'Outbox' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/outbox');
    const emails = page.locator('.outbox-list .outbox-item');
    await emails.first().waitFor();
    await expect(emails.first().getAttribute('data-message-id')).resolves.toBe(sent.messageId);
    await expect(emails.first().innerText()).resolves.toContain(sent.subject);

    const status = page.getByLabel('Status');
    await status.selectOption('FAILED');
    await page.getByText('No failed emails.').waitFor();
    await status.selectOption('QUEUED');
    await page
      .getByText('No queued emails.')
      .or(page.getByRole('list', { name: 'Queued emails, newest first' }))
      .waitFor();
    await expect(page.locator(`[data-message-id="${sent.messageId}"]`).count()).resolves.toBe(0);
    await status.selectOption('SENT');
    await page.getByRole('list', { name: 'Sent emails, newest first' }).waitFor();
    const mine = page.locator(`.outbox-item[data-message-id="${sent.messageId}"]`);
    await mine.waitFor();

    await mine.getByRole('link').click();
    const detail = page.locator('.outbound-email');
    await detail.getByRole('heading', { level: 2, name: sent.subject }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/outbox/${encodeURIComponent(sent.id)}`);
    const header = (name: string) => detail.locator(`[data-header="${name}"] dd`).innerText();
    await expect(header('Message-ID')).resolves.toBe(`<${sent.messageId}>`);
    await expect(header('To')).resolves.toBe(`"Initech" <${customerEmail}>`);
    await expect(header('Transport')).resolves.toBe('Local outbox (no SMTP server)');
    await expect(detail.locator('.email-text').innerText()).resolves.toContain(reply);
    // The HTML body is shown only in an iframe sandboxed with no permissions.
    const html = detail.locator('.email-html iframe');
    await expect(html.getAttribute('sandbox')).resolves.toBe('');
    await detail.getByText('HTML version').click();
    await expect(
      page.frameLocator('.email-html iframe').locator('body').innerText(),
    ).resolves.toContain(reply);
    await screenshot(page, 'outbox.png');

    // The email's own address survives a reload (the server answers it with the console).
    await page.reload();
    await detail.getByRole('heading', { level: 2, name: sent.subject }).waitFor({
      timeout: 15_000,
    });
  });

  it('reads the outbox a page at a time with Load more', async () => {
    const { page } = adminConsole;
    // More emails than a page holds: each public reply queues one.
    const before = (await outbox(server, admin)).totalCount;
    for (let count = before; count <= OUTBOX_PAGE; count += 1) {
      const answered = await server.request(
        ReplyToTicketDocument,
        { input: { ticketId: ticket.id, body: `Update ${count} on the staplers.` } },
        agent,
      );
      expect(answered.data?.replyToTicket.userErrors).toEqual([]);
    }
    const { totalCount } = await outbox(server, admin);
    expect(totalCount).toBeGreaterThan(OUTBOX_PAGE);

    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const emails = page.locator('.outbox-list .outbox-item');
    await page.getByText(`Showing ${OUTBOX_PAGE} of ${totalCount}`).waitFor();
    await page.getByRole('button', { name: 'Load more' }).click();
    const shown = Math.min(2 * OUTBOX_PAGE, totalCount);
    await page.getByText(`Showing ${shown} of ${totalCount}`).waitFor();
    const ids: (string | null)[] = [];
    for (let index = 0; index < (await emails.count()); index += 1)
      ids.push(await emails.nth(index).getAttribute('data-message-id'));
    expect(ids).toHaveLength(shown);
    expect(new Set(ids).size).toBe(shown);
    await expect(emails.first().innerText()).resolves.toContain(sent.subject);
  });

  it('tells an agent who opens the outbox’s address that it is for administrators', async () => {
    const { page } = agentConsole;
    await page.goto(`${server.baseUrl}/outbox`);
    await page.getByText('The outbox is for administrators').waitFor({ timeout: 15_000 });
    await expect(page.locator('.outbox-list').count()).resolves.toBe(0);
  });
});

describe('a reply whose email the mail server refuses', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let agentConsole: OpenConsole;

  beforeAll(async () => {
    sink = await startSmtpSink({
      refuse: () => ({ code: 550, message: 'No such mailbox here' }),
    });
    server = await startTestServer({ SMTP_URL: sink.url, JOB_POLL_MS: '500' });
    agentConsole = await signedInConsole(browser, server.baseUrl, 'agent@example.com');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  afterEach(() => {
    expect(agentConsole.errors).toEqual([]);
  });

  it('shows the failure and its reason on the reply, without a reload', async () => {
    const agent = await server.login('agent@example.com');
    const { ticket } = await createCustomerAndTicket(server, agent, 'Wrong address on file');
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    const body = 'We will call you instead: the address we have seems wrong.';
    await sendReply(page, body);
    const failed = deliveryOf(page, body).and(page.locator('[data-delivery="FAILED"]'));
    await failed.waitFor({ timeout: 20_000 });
    const text = await failed.innerText();
    expect(text).toContain('Email not delivered:');
    expect(text).toContain('No such mailbox here');
  });
});
