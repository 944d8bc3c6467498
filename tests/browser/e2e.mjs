// Signs in as the employer, submits a new application, signs in as the labour officer and takes
// it to approval: once in English, once in Chinese chosen with the switch on the page. Then a
// visitor, not signed in, assesses an applicant on the self-assessment page in that language.
// Last, on a phone's screen, the holder passes the real-name check and shows the card, whose QR
// code renews itself; a visitor verifies the code on the public verifier page, then the
// notification letters downloaded after each approval.
// Usage: node e2e.mjs BASE_URL SCREENSHOT_DIR   (CHROMIUM names the browser binary)
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import path from 'node:path';

const [base, shots] = process.argv.slice(2);
const PASSWORD = 'Demo-2026';
// The notification letters downloaded on the way, checked on the verifier page at the end.
const notices = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function signIn(page, username) {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('main button[type=submit]')]);
}

async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login$/), page.click('header.site form button')]);
}

// What the page says an approved application's state is, in each language.
const APPROVED = { en: 'approved', zh: '已批准' };

try {
  for (const lang of ['en', 'zh']) {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    if (lang === 'zh') {
      // The switch on the page, not a header: the choice must stick across pages.
      await page.click('#switch-language');
      await page.waitForURL(/\/login$/);
    }
    assert.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en');
    await shot(page, `${lang}-1-login`);

    await signIn(page, 'hr');
    await page.goto(`${base}/employer/applications/new`);
    await page.check('input[name=kind][value=new]');
    const option = await page.locator('select[name=person_id] option', { hasText: 'MÜLLER' }).first().getAttribute('value');
    await page.selectOption('select[name=person_id]', option);
    await page.fill('input[name=position]', lang === 'zh' ? '数据科学家' : 'Data Scientist');
    await page.fill('input[name=annual_salary]', '480000');
    await page.fill('input[name=contract_start]', '2027-01-01');
    await page.fill('input[name=contract_end]', '2029-12-31');
    await shot(page, `${lang}-2-application-form`);
    await Promise.all([page.waitForURL(/\/applications\/[0-9a-f-]{36}/), page.click('button[name=submit][value=true]')]);
    const appUrl = page.url();
    const receipt = (await page.locator('dl.facts dd').allTextContents()).find((t) => /^A\d{16}[\dX]$/.test(t.trim()));
    assert.ok(receipt, 'the application page shows its receipt number');
    await shot(page, `${lang}-3-submitted`);
    await signOut(page);

    await signIn(page, 'officer.beijing');
    assert.match(page.url(), /\/officer$/);
    // The queue lists it; open it from there.
    await Promise.all([page.waitForURL(appUrl), page.click(`a:has-text("${receipt.trim()}")`)]);
    for (const step of ['pass-pre-review', 'accept', 'start-review', 'approve']) {
      const form = page.locator(`form#act-${step}`);
      await form.waitFor();
      if (step === 'approve') {
        // The officer decides the category; validity comes prefilled within the limits.
        await form.locator('select[name=category]').selectOption('B');
        await shot(page, `${lang}-4-approve-form`);
      }
      // Each step comes back with ?done=<its action>; an error would stay on the form instead.
      const done = `done=${step.replaceAll('-', '_')}`;
      await form.locator('button[type=submit]').click();
      await page.waitForURL((u) => u.search.includes(done), { timeout: 10_000 }).catch(async () => {
        const errors = await page.locator('[role=alert]').allTextContents();
        throw new Error(`${step} did not go through (${lang}): ${errors.join(' | ') || page.url()}`);
      });
    }
    const state = (await page.locator('dl.facts dd span').first().textContent()).trim();
    assert.equal(state, APPROVED[lang], `state shown after approval (${lang})`);
    await shot(page, `${lang}-5-approved`);
    console.log(`approved: ${receipt.trim()} (${lang})`);
    // The decision's notices are linked on the page; the letter downloads as a sealed PDF.
    const links = page.locator('#notices a.notice-pdf');
    assert.equal(await links.count(), 3, 'three notices for a new permit');
    const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
    assert.match(download.suggestedFilename(), /^NL-A\d{16}[\dX]\.pdf$/);
    const pdfPath = path.join(shots, `${lang}-notification-letter.pdf`);
    await download.saveAs(pdfPath);
    notices.push(pdfPath);
    await context.close();

    // The self-assessment, by a visitor who is not signed in.
    const visitor = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-GB', viewport: { width: 1100, height: 900 } });
    const v = await visitor.newPage();
    await v.goto(`${base}/assessment`);
    await v.selectOption('#city', '110000');
    await v.selectOption('#employer_kind', 'enterprise');
    await v.fill('#position', 'Data Scientist');
    await v.fill('#annual_salary', '480000');
    await v.fill('#contract_start', '2027-01-01');
    await v.fill('#contract_end', '2029-12-31');
    await v.fill('#date_of_birth', '1990-04-12');
    await v.fill('#nationality', 'DEU');
    await v.selectOption('#education', 'master');
    await v.fill('#experience_years', '6');
    await v.fill('#hsk_level', '4');
    await v.check('#accompanying_family');
    await Promise.all([v.waitForLoadState('load'), v.click('#assessment-form button[type=submit]')]);
    await v.locator('#assessment-title').waitFor();
    assert.equal((await v.locator('.assessment .category').textContent()).trim(), 'B');
    const title = (await v.locator('#assessment-title').textContent()).trim();
    assert.equal(title, lang === 'zh' ? '分类评估' : 'Classification assessment');
    await shot(v, `${lang}-6-self-assessment`);
    console.log(`self-assessment: B (${lang})`);
    await visitor.close();
  }

  // The holder's card on a phone.
  const phone = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const holder = await phone.newPage();
  await holder.clock.install();
  await signIn(holder, 'anna');
  await holder.goto(`${base}/card`);
  await holder.fill('#passport_number', 'C01X00T47');
  await holder.fill('#date_of_birth', '1990-04-12');
  await Promise.all([holder.waitForURL(/done=checked/), holder.click('#real-name-form button[type=submit]')]);
  await holder.locator('#card-qr-code svg').waitFor();
  const first = await holder.locator('#card-qr-code').innerHTML();
  assert.match(await holder.locator('#card-qr-caption').textContent(), /\d+ s/);
  assert.equal(await holder.locator('#passport-full').isVisible(), false, 'the passport number is masked');
  await shot(holder, 'card-1-wallet');
  await holder.click('details.masked summary');
  assert.equal((await holder.locator('#passport-full').textContent()).trim(), 'C01X00T47');
  // Fifty-five seconds on, the page has fetched a new code by itself.
  await holder.clock.fastForward(55_000);
  await holder.waitForFunction((old) => document.querySelector('#card-qr-code').innerHTML !== old, first, { timeout: 10_000 });
  await shot(holder, 'card-2-renewed');
  const qr = await holder.evaluate(() => fetch('/api/v1/card/qr').then((r) => r.json()));
  console.log(`card: QR version ${qr.version}, ${qr.text.length} characters`);

  // A verifier, not signed in, pastes what a scanner read.
  const checker = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, isMobile: true });
  const vp = await checker.newPage();
  await vp.goto(`${base}/verify`);
  await vp.fill('#text', qr.text);
  await Promise.all([vp.waitForLoadState('load'), vp.click('#verify-form button[type=submit]')]);
  await vp.locator('#verdict').waitFor();
  assert.equal(await vp.getAttribute('#verdict', 'data-outcome'), 'valid');
  assert.match(await vp.locator('#verdict').textContent(), /MÜLLER Anna/);
  await shot(vp, 'card-3-verified');
  // The same code again: refused, in red.
  await vp.fill('#text', qr.text);
  await Promise.all([vp.waitForLoadState('load'), vp.click('#verify-form button[type=submit]')]);
  assert.equal(await vp.getAttribute('#verdict', 'data-outcome'), 'already_used');
  await shot(vp, 'card-4-used');
  console.log('card: shown, renewed and verified once');
  // A notice's PDF, uploaded as downloaded: sealed by the issuer and unaltered.
  for (const pdf of notices) {
    await vp.goto(`${base}/verify`);
    await vp.setInputFiles('#image', pdf);
    await Promise.all([vp.waitForLoadState('load'), vp.click('#verify-form button[type=submit]')]);
    await vp.locator('#verdict').waitFor();
    assert.equal(await vp.getAttribute('#verdict', 'data-outcome'), 'valid', pdf);
    assert.match(await vp.locator('#verdict').textContent(), /NL-A\d{16}/);
  }
  await shot(vp, 'notice-verified');
  console.log(`notices: ${notices.length} downloaded and verified`);
  await checker.close();
  await phone.close();
} finally {
  await browser.close();
}
