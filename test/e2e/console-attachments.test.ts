import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { CreateTicketDocument, ReplyWithAttachmentsDocument } from '../generated/graphql';
import { createCustomer } from '../support/fixtures';
import { waitForSubscriptions } from '../support/live-client';
import { ManualClock } from '../support/manual-clock';
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
 * Files in the console, in Chromium against the real server: an agent attaches files to a reply
 * or a note (each uploaded when picked), the conversation lists them as download links, and the
 * reply's email carries them. The server keeps its mail in the local outbox (no SMTP_URL) and
 * takes files of at most MAX_BYTES, so a refusal for size is quick to provoke.
 */
const MAX_BYTES = 4096;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const SERIALS = Buffer.from('SN-1041\nSN-1042\n');
/** The signed links' lifetime (src/modules/common/signed-links.ts). */
const LINK_TTL_MS = 15 * 60_000;

// The server reads the time from this clock: a test moves it to sign links that expire soon.
const clock = new ManualClock();
let browser: Browser;
let server: TestServer;
let db: Client;
let agent: string;
let customerId: string;
let agentConsole: OpenConsole;
let adminConsole: OpenConsole;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startTestServer(
    { MAX_ATTACHMENT_BYTES: String(MAX_BYTES), JOB_POLL_MS: '500' },
    { clock },
  );
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  agent = await server.login('agent@example.com');
  customerId = await createCustomer(server, agent, 'Initech');
  [agentConsole, adminConsole] = await Promise.all([
    signedInConsole(browser, server.baseUrl, 'agent@example.com'),
    signedInConsole(browser, server.baseUrl, 'admin@example.com'),
  ]);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.close();
  await browser?.close();
});

beforeEach(() => clock.set(new Date()));

afterEach(() => {
  // Whatever a test did, neither page may have thrown or logged an error it did not expect.
  const errors = [...agentConsole.errors, ...adminConsole.errors];
  agentConsole.errors.length = 0;
  adminConsole.errors.length = 0;
  expect(errors).toEqual([]);
});

/**
 * Takes from the agent's page errors the failed loads a test caused on purpose (Chromium logs each
 * refused or cut-off request): exactly these, nothing else.
 */
function expectFailedLoads(expected: string[]): void {
  expect(agentConsole.errors).toEqual(
    expected.map((reason) => `Failed to load resource: ${reason}`),
  );
  agentConsole.errors.length = 0;
}

async function newTicket(subject: string): Promise<{ id: string; number: string }> {
  const created = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject, body: 'Two staplers arrived broken.', channel: 'WEB' } },
    agent,
  );
  const ticket = created.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(created));
  return ticket;
}

async function openTicket(page: Page, number: string): Promise<void> {
  await showQueue(page, 'Unassigned');
  await queueRow(page, number).getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
}

/** Picks files with the box's "Attach files" button, as an agent does in the file dialog. */
async function attach(
  page: Page,
  box: 'reply' | 'note',
  files: { name: string; mimeType: string; buffer: Buffer }[],
): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.locator(`#composer-panel-${box}`).getByRole('button', { name: 'Attach files' }).click(),
  ]);
  await chooser.setFiles(files);
}

/** The names in a box's list of attached files. */
function attachedIn(page: Page, box: 'reply' | 'note') {
  return page
    .locator(`#composer-panel-${box}`)
    .getByRole('list', { name: 'Attached files' })
    .getByRole('listitem');
}

/** The message with this text in the conversation. */
function messageWith(page: Page, body: string) {
  return page.getByRole('list', { name: 'Conversation' }).locator('.message', { hasText: body });
}

/** Downloads a link's target from inside the page (its cookies, its origin, no token). */
async function downloadFromPage(page: Page, href: string) {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      bytes: Array.from(new Uint8Array(await response.arrayBuffer())),
    };
  }, href);
}

async function attachmentRows(ticketNumber: string) {
  const { rows } = await db.query<{ id: string; filename: string; message: string | null }>(
    `SELECT a.id, a.filename, a.ticket_message_id AS message
       FROM attachment a JOIN ticket t ON t.id = a.ticket_id
      WHERE t.number = $1 ORDER BY a.id`,
    [ticketNumber],
  );
  return rows;
}

/** The ticket's email once the job has handed it to the local outbox. */
async function sentEmailOf(ticketNumber: string) {
  for (;;) {
    const { rows } = await db.query<{ attachment_ids: string[]; raw: string | null }>(
      `SELECT attachment_ids, raw FROM outbound_email
        WHERE subject LIKE '%' || $1 || '%' AND status = 'SENT'`,
      [`[${ticketNumber}]`],
    );
    if (rows.length > 0) {
      expect(rows).toHaveLength(1);
      return rows[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('attachments in the agent console', () => {
  it('sends picked files with a public reply: both consoles link them, the links download them, the email carries them', async () => {
    const ticket = await newTicket('Broken staplers');
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    await openTicket(adminConsole.page, ticket.number);
    // Both consoles' four queues and open ticket are live: the admin sees the reply arrive.
    await waitForSubscriptions(server.baseUrl, 'ticketEvents', 10);

    await attach(page, 'reply', [
      { name: 'receipt.png', mimeType: 'image/png', buffer: PNG },
      { name: 'serials.txt', mimeType: 'text/plain', buffer: SERIALS },
    ]);
    await attach(page, 'reply', [
      { name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
    ]);
    await attachedIn(page, 'reply').filter({ hasText: 'wrong.txt' }).waitFor();
    await expect(attachedIn(page, 'reply').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('receipt.png'),
      expect.stringContaining('serials.txt'),
      expect.stringContaining('wrong.txt'),
    ]);
    // Removed before sending: it stays an upload that no message carries.
    await page.getByRole('button', { name: 'Remove wrong.txt' }).click();
    await expect(attachedIn(page, 'reply').count()).resolves.toBe(2);

    const body = 'Here is the receipt and the serial numbers of the replacements.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(body);
    await page.getByRole('button', { name: 'Send reply' }).click();

    const links = messageWith(page, body)
      .getByRole('list', { name: 'Attachments' })
      .getByRole('link');
    await links.nth(1).waitFor();
    await expect(links.allInnerTexts()).resolves.toEqual(['receipt.png', 'serials.txt']);
    // The box is empty again, its files with it.
    await expect(page.getByRole('textbox', { name: 'Reply' }).inputValue()).resolves.toBe('');
    await expect(attachedIn(page, 'reply').count()).resolves.toBe(0);

    // The image shows a preview, drawn from its bytes.
    const preview = messageWith(page, body).locator('img.attachment-preview');
    await expect(preview.count()).resolves.toBe(1);
    await expect(
      preview.evaluate((image) => {
        // The DOM types are not in this project's lib; an <img> has these.
        const loaded = image as unknown as { decode(): Promise<void>; naturalWidth: number };
        return loaded.decode().then(() => loaded.naturalWidth);
      }),
    ).resolves.toBe(1);

    // Each link downloads its file, byte for byte, with the name it was picked with.
    for (const [index, filename, bytes, contentType] of [
      [0, 'receipt.png', PNG, 'image/png'],
      [1, 'serials.txt', SERIALS, 'text/plain; charset=utf-8'],
    ] as const) {
      const link = links.nth(index);
      await expect(link.getAttribute('download')).resolves.toBe(filename);
      const href = (await link.getAttribute('href')) ?? '';
      expect(href).toMatch(
        /^\/attachments\/[A-Za-z0-9_-]+\/.+\?expires=\d+&signature=[0-9a-f]{64}$/,
      );
      const downloaded = await downloadFromPage(page, href);
      expect(downloaded).toEqual({ status: 200, contentType, bytes: Array.from(bytes) });
    }

    await screenshot(page, 'attachments.png');

    // A colleague's console got the reply live, with the same files.
    const colleague = messageWith(adminConsole.page, body)
      .getByRole('list', { name: 'Attachments' })
      .getByRole('link');
    await colleague.nth(1).waitFor();
    await expect(colleague.allInnerTexts()).resolves.toEqual(['receipt.png', 'serials.txt']);

    // The email carries the two files sent, not the one removed.
    const rows = await attachmentRows(ticket.number);
    expect(rows.map(({ filename, message }) => [filename, message !== null])).toEqual([
      ['receipt.png', true],
      ['serials.txt', true],
      ['wrong.txt', false],
    ]);
    const email = await sentEmailOf(ticket.number);
    expect(email.attachment_ids).toEqual([rows[0].id, rows[1].id]);
    const mail = await simpleParser(email.raw ?? '');
    expect(mail.text).toContain(body);
    expect(
      mail.attachments.map((file) => [file.filename, file.content.toString('base64')]),
    ).toEqual([
      ['receipt.png', PNG.toString('base64')],
      ['serials.txt', SERIALS.toString('base64')],
    ]);
  });

  it('adds files to an internal note, which sends no email', async () => {
    const ticket = await newTicket('Staplers: which batch?');
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    await page.getByRole('tab', { name: 'Internal note' }).click();
    await attach(page, 'note', [{ name: 'batch.txt', mimeType: 'text/plain', buffer: SERIALS }]);
    await attachedIn(page, 'note').first().waitFor();
    // The other box has its own list.
    await expect(attachedIn(page, 'reply').count()).resolves.toBe(0);
    const body = 'Both from batch 1041: checking the rest of it.';
    await page.getByRole('textbox', { name: 'Internal note' }).fill(body);
    await page.getByRole('button', { name: 'Add note' }).click();

    const note = messageWith(page, body);
    await note.getByRole('link', { name: 'batch.txt' }).waitFor();
    await expect(note.getAttribute('data-message-kind')).resolves.toBe('note');
    await expect(attachedIn(page, 'note').count()).resolves.toBe(0);
    const href = (await note.getByRole('link', { name: 'batch.txt' }).getAttribute('href')) ?? '';
    await expect(downloadFromPage(page, href)).resolves.toMatchObject({
      status: 200,
      bytes: Array.from(SERIALS),
    });
    const { rows } = await db.query(
      `SELECT e.id FROM outbound_email e WHERE e.subject LIKE '%' || $1 || '%'`,
      [`[${ticket.number}]`],
    );
    expect(rows).toEqual([]);
  });

  it('says a file over the size limit is too large, and keeps and sends nothing', async () => {
    const ticket = await newTicket('Staplers: the manual');
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    const messages = await db.query('SELECT count(*) AS n FROM ticket_message');
    // One cut off while it streams, one refused on its declared size before it is read.
    for (const [name, size] of [
      ['manual.pdf', MAX_BYTES + 1],
      ['scan.tiff', 2 * 1024 * 1024],
    ] as const) {
      await attach(page, 'reply', [
        { name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 0x61) },
      ]);
      const refusal = page.locator('#composer-panel-reply').getByRole('alert');
      await refusal.waitFor();
      await expect(refusal.innerText()).resolves.toMatch(
        new RegExp(`^${name} is too large to attach\\.`),
      );
      await expect(attachedIn(page, 'reply').count()).resolves.toBe(0);
    }
    await expect(attachmentRows(ticket.number)).resolves.toEqual([]);
    const refused = 'the server responded with a status of 413 (Payload Too Large)';
    expectFailedLoads([refused, refused]);

    // The reply goes without it.
    const body = 'The manual is on its way by post.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(body);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await messageWith(page, body).waitFor();
    await expect(
      messageWith(page, body).getByRole('list', { name: 'Attachments' }).count(),
    ).resolves.toBe(0);
    // The error goes with the sent reply.
    await expect(page.locator('#composer-panel-reply').getByRole('alert').count()).resolves.toBe(0);
    const after = await db.query('SELECT count(*) AS n FROM ticket_message');
    expect(Number(after.rows[0].n)).toBe(Number(messages.rows[0].n) + 1);
    const email = await sentEmailOf(ticket.number);
    expect(email.attachment_ids).toEqual([]);
  });

  it('sends a reply whose answer was lost once when sent again, and as another reply once its files change', async () => {
    const ticket = await newTicket('Staplers: lost answers');
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    // The next reply reaches the server, which commits it, but its answer never reaches the page.
    let dropAnswers = 1;
    await page.route('**/graphql', async (route) => {
      if (dropAnswers > 0 && route.request().postData()?.includes('mutation ConsoleReply')) {
        dropAnswers -= 1;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    const sendAndLoseTheAnswer = async () => {
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('#composer-panel-reply .composer-actions > [role="alert"]').waitFor();
    };
    const repliesWith = async (body: string) => {
      const { rows } = await db.query<{ id: string; files: string[] }>(
        `SELECT m.id, array_remove(array_agg(a.filename ORDER BY a.id), NULL) AS files
           FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id
           LEFT JOIN attachment a ON a.ticket_message_id = m.id
          WHERE t.number = $1 AND m.body = $2 GROUP BY m.id ORDER BY m.id`,
        [ticket.number, body],
      );
      return rows.map((row) => row.files);
    };

    // The same text and files again: the same key, so the server answers the first reply.
    const first = 'The replacements ship today.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(first);
    await attach(page, 'reply', [{ name: 'label.txt', mimeType: 'text/plain', buffer: SERIALS }]);
    await attachedIn(page, 'reply').first().waitFor();
    await sendAndLoseTheAnswer();
    await expect(repliesWith(first)).resolves.toEqual([['label.txt']]);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page
      .locator('#composer-panel-reply')
      .getByRole('list', { name: 'Attached files' })
      .waitFor({ state: 'detached' });
    await expect(page.getByRole('textbox', { name: 'Reply' }).inputValue()).resolves.toBe('');
    await expect(attachedIn(page, 'reply').count()).resolves.toBe(0);
    await expect(repliesWith(first)).resolves.toEqual([['label.txt']]);
    await expect(messageWith(page, first).count()).resolves.toBe(1);

    // Other files with the same text: another reply under another key.
    dropAnswers = 1;
    const second = 'Tracking number attached.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(second);
    await attach(page, 'reply', [{ name: 'old.txt', mimeType: 'text/plain', buffer: SERIALS }]);
    await attachedIn(page, 'reply').first().waitFor();
    await sendAndLoseTheAnswer();
    await page.getByRole('button', { name: 'Remove old.txt' }).click();
    await attach(page, 'reply', [{ name: 'new.txt', mimeType: 'text/plain', buffer: SERIALS }]);
    await attachedIn(page, 'reply').filter({ hasText: 'new.txt' }).waitFor();
    await page.getByRole('button', { name: 'Send reply' }).click();
    await messageWith(page, second).getByRole('link', { name: 'new.txt' }).waitFor();
    await expect(repliesWith(second)).resolves.toEqual([['old.txt'], ['new.txt']]);
    await expect(
      page.locator('#composer-panel-reply .composer-actions > [role="alert"]').count(),
    ).resolves.toBe(0);
    await page.unroute('**/graphql');
    expectFailedLoads(['net::ERR_CONNECTION_RESET', 'net::ERR_CONNECTION_RESET']);
  });

  it('renews a link that expired while the ticket stayed open, then downloads the file', async () => {
    const ticket = await newTicket('Staplers: old photo');
    // Signed 14½ minutes ago: the link has half a minute left.
    const signedAt = new Date(Date.now() - LINK_TTL_MS + 30_000);
    clock.set(signedAt);
    const form = new FormData();
    form.append('ticketId', ticket.id);
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    const upload = await fetch(`${server.baseUrl}/attachments`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${agent}` },
    });
    const { id } = (await upload.json()) as { id: string };
    const body = 'This is how the staplers looked.';
    const replied = await server.request(
      ReplyWithAttachmentsDocument,
      { input: { ticketId: ticket.id, body, attachmentIds: [id] } },
      agent,
    );
    expect(replied.data?.replyToTicket.userErrors).toEqual([]);
    const { page } = agentConsole;
    await openTicket(page, ticket.number);
    const link = messageWith(page, body).getByRole('link', { name: 'photo.png' });
    const stale = (await link.getAttribute('href')) ?? '';
    expect(stale).toContain(
      `expires=${Math.floor(signedAt.getTime() / 1000) + LINK_TTL_MS / 1000}`,
    );

    clock.set(new Date());
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('photo.png');
    expect(await download.failure()).toBeNull();
    const renewed = (await link.getAttribute('href')) ?? '';
    expect(renewed).not.toBe(stale);
    expect(download.url()).toBe(`${server.baseUrl}${renewed}`);
    await expect(downloadFromPage(page, renewed)).resolves.toMatchObject({
      status: 200,
      bytes: Array.from(PNG),
    });
  });
});
