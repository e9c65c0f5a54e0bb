/** What the dashboard browser tests do alike: saving an answer of the Ask page as a widget. */
import type { Page } from 'playwright-core';

/** Asks `question` on the Ask page and saves its answer as a widget on `dashboard` (an existing one by name, or a new one). */
export async function saveAsWidget(page: Page, question: string, dashboard: string | { create: string }): Promise<void> {
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const turn = page.getByRole('article', { name: `Question: ${question}` });
  await turn.locator('.answer:not(.pending)').waitFor();
  await turn.getByRole('button', { name: 'Save as widget' }).click();
  const form = turn.getByRole('form', { name: 'Save as widget' });
  if (typeof dashboard === 'string') await form.getByLabel('Dashboard').selectOption({ label: dashboard });
  else {
    await form.getByLabel('Dashboard').selectOption({ label: 'New dashboard…' });
    await form.getByLabel('Name').fill(dashboard.create);
  }
  await form.getByRole('button', { name: 'Add widget' }).click();
  await turn.getByText(/Added to the dashboard/).waitFor({ timeout: 60_000 });
}
