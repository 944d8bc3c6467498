// Contributions and claims through the pages: the employer asks for Jean's social insurance
// and the agency registers it; the employer declares this month's contribution from the
// employees list; Jean reads the statement on his records page and claims the pension refund,
// which is refused while his work permit is valid, with the rule named. English, then the same
// pages in Chinese.
// Usage: node records.mjs BASE_URL SCREENSHOT_DIR   (CHROMIUM names the browser binary)
import assert from 'node:assert/strict';
import { helpers, launch } from './pages.mjs';

const [base, shots] = process.argv.slice(2);
const browser = await launch();
const { shot, signIn, signOut, submit } = helpers(base, shots);

const TEXT = {
  en: { refused: 'is valid until', paid: 'Employer' },
  zh: { refused: '有效至', paid: '单位' },
};

try {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const failures = [];
  // Script and policy errors; a form answered 422 also logs an error, which is expected here.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) failures.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404 && !r.url().endsWith('/favicon.ico')) failures.push(`404: ${r.url()}`);
  });

  // The employer finds Jean's permit on the employees list and asks for his insurance.
  await signIn(page, 'hr');
  await page.click('#open-employees');
  await page.waitForURL(/\/employer\/employees$/);
  const jean = page.locator('#employees tbody tr', { hasText: 'DUPONT' });
  const permit = (await jean.locator('td').first().textContent()).trim().split(/\s+/)[0];
  assert.match(permit, /^[A-Z]\d{17}$/, `a permit number: ${permit}`);
  assert.equal(await jean.getAttribute('class'), 'attention', 'his permit ends within 90 days');
  await shot(page, 'records-1-employees');
  await page.goto(`${base}/employer/insurance/new`);
  await page.fill('input[name=permit_number]', permit);
  await Promise.all([page.waitForURL(/\/insurance\/[0-9a-f-]{36}/), page.click('main form button[type=submit]')]);
  const insurance = page.url().split('?')[0];
  await signOut(page);

  await signIn(page, 'social.beijing');
  await page.goto(insurance);
  await submit(page, page.locator('form#register'), 'done=register', 'registration');
  await signOut(page);

  // The employer declares this month on Jean's page; a base below the floor is turned back first.
  await signIn(page, 'hr');
  await page.goto(`${base}/employer/employees`);
  await Promise.all([page.waitForURL(/\/employer\/employees\/[0-9a-f-]{36}$/), page.locator('#employees tbody tr', { hasText: 'DUPONT' }).locator('a').first().click()]);
  await page.fill('input[name=base]', '100');
  await page.click('#declare-form button[type=submit]');
  await page.locator('#base-error').waitFor();
  await shot(page, 'records-2-declare-refused');
  await page.fill('input[name=base]', '20000');
  await submit(page, page.locator('#declare-form'), 'done=declared', 'declaration');
  assert.ok((await page.locator('[role=status]').textContent()).includes('declared'));
  await shot(page, 'records-3-declared');
  console.log('declared: this month');
  await signOut(page);

  // Jean: his records, then the refund he cannot have while his permit is valid.
  for (const lang of ['en', 'zh']) {
    await signIn(page, 'jean');
    if (lang === 'zh') {
      await page.click('#switch-language');
      await page.waitForLoadState('load');
    }
    await page.click('#open-records');
    await page.waitForURL(/\/records$/);
    const facts = await page.locator('#contributions ~ dl.facts').first().textContent();
    assert.ok(facts.includes(TEXT[lang].paid), `the statement's totals: ${facts}`);
    await shot(page, `records-4-${lang}-records`);
    const form = page.locator('form#claim-pension-refund');
    for (const box of await form.locator('input[type=checkbox]').all()) {
      await box.check();
    }
    const leaving = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await form.locator('input[name=leaving_china_on]').fill(leaving);
    await form.locator('button[type=submit]').click();
    await page.locator('[role=alert]').waitFor();
    const alert = await page.locator('[role=alert]').textContent();
    assert.ok(alert.includes(TEXT[lang].refused), `refused with the permit named: ${alert}`);
    assert.ok(alert.includes(permit), `the permit named: ${alert}`);
    await shot(page, `records-5-${lang}-refund-refused`);
    console.log(`refused: ${lang}`);
    if (lang === 'zh') {
      await page.click('#switch-language');
      await page.waitForLoadState('load');
    }
    await signOut(page);
  }
  assert.deepEqual(failures, [], 'no errors in the console');
  await context.close();
} finally {
  await browser.close();
}
