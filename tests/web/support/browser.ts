import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`.ci/run` installs the package when it is missing). */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'screenshots');

/**
 * Flags that keep the browser off the network and quiet: no background requests, no component or
 * safe-browsing updates, no DNS beyond the test server (every other host resolves to nothing), and the
 * sandbox off because CI runs as root.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--metrics-recording-only',
  '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  // A Vietnamese browser: date fields read dd/mm/yyyy.
  '--lang=vi',
];

/** Chromium; `lang` starts it in another language (`en-US`: a browser whose own date inputs read mm/dd/yyyy). */
export async function launchBrowser(options: { lang?: string } = {}): Promise<Browser> {
  const args = options.lang ? [...ARGS.filter((a) => !a.startsWith('--lang=')), `--lang=${options.lang}`] : ARGS;
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** A browser context (its own cookies: one person) that may reach only the test server; anything else is aborted. */
export async function newPerson(browser: Browser, baseUrl: string, viewport = DESKTOP, locale = 'vi-VN'): Promise<{ context: BrowserContext; page: Page; blocked: string[]; urls: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale, timezoneId: 'Asia/Ho_Chi_Minh' });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseUrl}/`) || url === baseUrl) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  // Every address the page asked for, so that a test can show a secret went in none.
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return { context, page, blocked, urls };
}

/** An axe-core scan of the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${name}: accessibility violations`,
  ).toEqual([]);
}

/** Saves a full-page screenshot for a reviewer under tests/web/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Scans and photographs a main page. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/** Runs an action that navigates (a form submitted, a link followed) and waits for the page it leads to. */
export async function navigating(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }), action()]);
  await page.waitForLoadState('domcontentloaded');
}

/**
 * Submits a form (the action clicks its button) and waits for the page shown after it: the POST is
 * answered with 303 (Post/Redirect/Get) and the page comes from the GET it leads to. Both answers.
 */
export async function submitting(page: Page, action: () => Promise<unknown>): Promise<{ posted: Response; shown: Response }> {
  const [posted, shown] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForResponse((r) => r.request().redirectedFrom()?.method() === 'POST'),
    action(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return { posted, shown };
}

/** Logs in through the login page. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await navigating(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
}

/** Every POST a page sends from now on (their paths): Back and Reload after Post/Redirect/Get must add none. */
export function countPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
  });
  return posts;
}

/** Back and Reload (and Forward) from here send no form again. */
export async function backAndReload(page: Page, posts: string[]): Promise<void> {
  const sent = posts.length;
  await page.reload();
  await page.goBack();
  await page.reload();
  await page.goForward();
  await page.reload();
  expect(posts.length, `POSTs repeated: ${posts.slice(sent).join(', ')}`).toBe(sent);
}
