/**
 * What the browser tests do alike: whether Chromium is there, where screenshots go, signing in,
 * opening a page signed in as the admin, and asking a question on the Ask page.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { ADMIN_PASSWORD, CHROMIUM, startE2E, type E2E, type E2EOptions } from '../harness.js';

/** docs/screenshots/, where the browser tests put the screenshots the README shows. */
export const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** Whether Debian's chromium is installed: in CI its absence is an error; elsewhere the browser tests are skipped, and that is said. */
export function chromiumPresent(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  console.warn(`skipping the browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

/** Fills in and sends the sign-in form of the server `on`; waits for nothing (a test may expect a refusal). */
export async function signIn(page: Page, on: E2E, username: string, password: string): Promise<void> {
  await page.goto(on.server.url + '/');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A new page of the test's browser, signed in as the admin, on the Ask page; makes sure docs/screenshots/ exists. */
export async function openAsAdmin(on: E2E): Promise<Page> {
  const page = await on.context.newPage();
  mkdirSync(SHOTS, { recursive: true });
  await signIn(page, on, 'admin', ADMIN_PASSWORD);
  await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
  return page;
}

/** The real server and Chromium (startE2E), and a page signed in as the admin on the Ask page. */
export async function startAsAdmin(opts?: E2EOptions): Promise<{ e2e: E2E; page: Page }> {
  const e2e = await startE2E(opts);
  try {
    return { e2e, page: await openAsAdmin(e2e) };
  } catch (e) {
    await e2e.close();
    throw e;
  }
}

/** Asks a question on the Ask page and returns its turn once answered (or refused). */
export async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.locator('article.turn').count();
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const turn = page.locator('article.turn').nth(before);
  await turn.locator('.answer:not(.pending)').waitFor();
  return turn;
}
