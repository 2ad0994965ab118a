import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../../src/config';
import { DEMO_PASSWORD } from '../../../src/modules/seed';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');
/** A laptop screen: what the console is laid out for and what the screenshots show. */
export const LAPTOP = { width: 1280, height: 800 };

/**
 * The browser the tests drive. Missing, it is installed when this runs as root with apt-get
 * (CI, containers); otherwise the tests fail saying what to install. Never skipped.
 */
function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM_PATH)) return;
  const root = process.getuid?.() === 0;
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((candidate) => fs.existsSync(candidate));
  if (root && aptGet && !process.env.CHROMIUM_PATH) {
    const apt = (...args: string[]) =>
      execFileSync(aptGet, ['-o', 'DPkg::Lock::Timeout=300', ...args], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        timeout: 600_000,
      });
    apt('update', '-qq');
    apt('install', '-y', '-qq', '--no-install-recommends', 'chromium');
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: ` +
        '`sudo apt-get install chromium`) or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      // Nothing but this machine resolves: a request for anything else fails (and is seen).
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

export interface OpenConsole {
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw (a test checks there are none). */
  errors: string[];
  /** The payload of every graphql-ws `subscribe` message the page sent, in order. */
  subscribes: { query: string; variables?: Record<string, unknown> }[];
}

/** A browser context of its own (its own session), signed in to the console as `email`. */
export async function signedInConsole(
  browser: Browser,
  baseUrl: string,
  email: string,
  password = DEMO_PASSWORD,
): Promise<OpenConsole> {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const subscribes: OpenConsole['subscribes'] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string; payload?: unknown };
      if (message.type === 'subscribe')
        subscribes.push(message.payload as OpenConsole['subscribes'][number]);
    }),
  );
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await connectionState(page, 'live').waitFor({ timeout: 15_000 });
  return { context, page, errors, subscribes };
}

/** The connection indicator once it shows `state` (`live`, `reconnecting`, …). */
export function connectionState(page: Page, state: string) {
  return page.locator(`.connection[data-state="${state}"]`);
}

/** A ticket's row in the queue on screen. */
export function queueRow(page: Page, ticketNumber: string) {
  return page.locator(`.queue-list .queue-item[data-ticket-number="${ticketNumber}"]`);
}

/** Shows a queue by its tab (whose label starts with `label`). */
export async function showQueue(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Queue' }).getByRole('link', { name: label }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, name) });
}
