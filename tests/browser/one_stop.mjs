// The one-stop journey, in English and then in Chinese: the employer submits a new work permit
// with the residence permit beside it; immigration starts its review, records the passport
// inspection and approves (nothing is issued yet); the labour officer approves, and both permits
// are issued together; the holder books a time to collect the residence permit; immigration
// hands it over and records the collection; the holder sees it collected.
// Usage: node one_stop.mjs BASE_URL SCREENSHOT_DIR   (CHROMIUM names the browser binary)
import assert from 'node:assert/strict';
import { helpers, launch } from './pages.mjs';

const [base, shots] = process.argv.slice(2);
const browser = await launch();
const { shot, signIn, signOut, submit } = helpers(base, shots);

const STATE = {
  en: { jointPending: 'approved, awaiting', approved: 'approved' },
  zh: { jointPending: '已批准，等待', approved: '已批准' },
};

try {
  for (const lang of ['en', 'zh']) {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    if (lang === 'zh') {
      await page.click('#switch-language');
      await page.waitForURL(/\/login$/);
    }

    // The employer: one submission asks for both permits.
    await signIn(page, 'hr');
    await page.goto(`${base}/employer/applications/new`);
    await page.check('input[name=kind][value=new]');
    const option = await page.locator('select[name=person_id] option', { hasText: 'MÜLLER' }).first().getAttribute('value');
    await page.selectOption('select[name=person_id]', option);
    await page.fill('input[name=position]', lang === 'zh' ? '数据科学家' : 'Data Scientist');
    await page.fill('input[name=annual_salary]', '480000');
    await page.fill('input[name=contract_start]', '2027-01-01');
    await page.fill('input[name=contract_end]', '2029-12-31');
    await page.check('input[name=one_stop]');
    await page.selectOption('select[name=residence_role]', 'other');
    await page.fill('input[name=residence_months]', '24');
    await shot(page, `one-stop-${lang}-1-application`);
    await Promise.all([page.waitForURL(/\/applications\/[0-9a-f-]{36}/), page.click('button[name=submit][value=true]')]);
    const workUrl = page.url();
    const receipt = (await page.locator('dl.facts dd').allTextContents()).find((t) => /^A\d{16}[\dX]$/.test(t.trim())).trim();
    await signOut(page);

    // Immigration: its own task, in its queue.
    await signIn(page, 'immigration.beijing');
    assert.match(page.url(), /\/immigration/);
    await shot(page, `one-stop-${lang}-2-immigration-queue`);
    await Promise.all([page.waitForURL(/\/immigration\/residence\//), page.locator('tbody tr', { hasText: 'MÜLLER' }).first().locator('a').first().click()]);
    const caseUrl = page.url().split('?')[0];
    await submit(page, page.locator('form#step-start-review'), 'done=start_review', `start review (${lang})`);
    await submit(page, page.locator('form#step-inspect-passport'), 'done=inspect_passport', `passport inspection (${lang})`);
    await shot(page, `one-stop-${lang}-3-immigration-decision`);
    await submit(page, page.locator('form#step-approve'), 'done=approve', `immigration approval (${lang})`);
    const waiting = (await page.locator('dl.facts dd span').first().textContent()).trim();
    assert.ok(waiting.startsWith(STATE[lang].jointPending), `after immigration's approval: ${waiting}`);
    await shot(page, `one-stop-${lang}-4-awaiting-labour`);
    await signOut(page);

    // Labour: the work permit, decided in parallel; its approval issues both.
    await signIn(page, 'officer.beijing');
    await Promise.all([page.waitForURL(workUrl), page.click(`a:has-text("${receipt}")`)]);
    for (const step of ['pass-pre-review', 'accept', 'start-review', 'approve']) {
      const form = page.locator(`form#act-${step}`);
      await form.waitFor();
      if (step === 'approve') {
        await form.locator('select[name=category]').selectOption('B');
      }
      await submit(page, form, `done=${step.replaceAll('-', '_')}`, `${step} (${lang})`);
    }
    assert.equal((await page.locator('dl.facts dd span').first().textContent()).trim(), STATE[lang].approved);
    await shot(page, `one-stop-${lang}-5-both-issued`);
    await signOut(page);

    // The holder: a time to collect the residence permit at the issuing office.
    await signIn(page, 'anna');
    await page.goto(`${base}/residence`);
    await shot(page, `one-stop-${lang}-6-holder-residence`);
    await Promise.all([page.waitForURL(/\/appointments\/new/), page.locator('a[href*="purpose=collect_residence_permit"]').last().click()]);
    let booked = false;
    for (let d = 1; d <= 14 && !booked; d++) {
      const day = new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
      await page.fill('form#day [name=date]', day);
      await Promise.all([page.waitForLoadState('load'), page.click('form#day button[type=submit]')]);
      const book = page.locator('form[method=post][action="/appointments/new"] button[type=submit]');
      if (await book.count() > 0) {
        await shot(page, `one-stop-${lang}-7-slots`);
        await book.first().click();
        await page.waitForURL(/done=booked/, { timeout: 10_000 }).catch(async () => {
          const errors = await page.locator('[role=alert]').allTextContents();
          await shot(page, `one-stop-${lang}-7-booking-failed`);
          throw new Error(`booking did not go through (${lang}): ${errors.join(' | ') || page.url()}`);
        });
        booked = true;
      }
    }
    assert.ok(booked, 'a slot was free within two weeks');
    await shot(page, `one-stop-${lang}-8-booked`);
    await signOut(page);

    // Immigration hands the permit over; the passport was never kept.
    await signIn(page, 'immigration.beijing');
    await page.goto(caseUrl);
    await Promise.all([page.waitForURL(/\/immigration\/permits\//), page.click('a[href^="/immigration/permits/"]')]);
    await submit(page, page.locator('form#collect'), 'done=collected', `collection (${lang})`);
    await shot(page, `one-stop-${lang}-9-collected`);
    await signOut(page);

    await signIn(page, 'anna');
    await page.goto(`${base}/residence`);
    const rows = await page.locator('table[aria-labelledby=permits] tbody tr').allTextContents();
    assert.ok(rows.length >= 1, 'the holder sees her residence permits');
    await shot(page, `one-stop-${lang}-10-holder-collected`);
    console.log(`collected: ${receipt} (${lang})`);
    await context.close();
  }
} finally {
  await browser.close();
}
