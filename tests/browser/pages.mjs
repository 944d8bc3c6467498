// What the journeys share: the browser, screenshots, signing in and out, and submitting a form
// that leads to a page carrying `done`. Each script passes its BASE_URL and SCREENSHOT_DIR.
import { chromium } from 'playwright-core';
import path from 'node:path';

export const PASSWORD = 'Demo-2026';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function helpers(base, shots) {
  return {
    async shot(page, name) {
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    },
    async signIn(page, username) {
      await page.goto(`${base}/login`);
      await page.fill('#username', username);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('main button[type=submit]')]);
    },
    async signOut(page) {
      await Promise.all([page.waitForURL(/\/login$/), page.click('header.site form button')]);
    },
    // Submits the form and waits for the page it leads to carry `done`; an error stays on the form.
    async submit(page, form, done, what) {
      await form.locator('button[type=submit]').click();
      await page.waitForURL((u) => u.search.includes(done), { timeout: 10_000 }).catch(async () => {
        const errors = await page.locator('[role=alert]').allTextContents();
        throw new Error(`${what} did not go through: ${errors.join(' | ') || page.url()}`);
      });
    },
  };
}
