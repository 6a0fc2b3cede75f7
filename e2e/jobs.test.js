// A coordinator's background job, as a user would meet it: upload a file with the checksum
// form (multipart, the CSRF token as its first field), land on the job's page, and see the
// SHA-256 once the server's worker is done. The form and the finished page are checked with
// axe. (A pending page carries <meta http-equiv="refresh">, which axe's meta-refresh rule
// flags whatever the delay; that page offers a link to turn the updating off first of all,
// and is checked here in its ?refresh=off form.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RUN, assertAccessible, idFrom, launchBrowser, newPage, signIn, submit, t, visit } from './lib.js';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

describe('a background job', () => {
  test('computes the checksum of an uploaded file and shows it on the job page', async () => {
    await signIn(page);
    await visit(page, '/jobs/checksum');
    const form = page.locator('main form[enctype="multipart/form-data"]');
    const first = await form.locator('input').first().getAttribute('name');
    assert.equal(first, '_csrf', 'the CSRF token must be the first field of a multipart form');
    const content = `area;value\n081;${RUN}\n`;
    await form.locator('input[type=file]').setInputFiles({ name: `e2e-${RUN}.csv`, mimeType: 'text/csv', buffer: Buffer.from(content) });
    const response = await submit(page, form);
    assert.equal(response.status(), 303, `the upload answered ${response.status()}`);
    const id = idFrom(page.url(), 'jobs');
    const done = t('fi', 'job-status-succeeded');
    let status = '';
    for (let i = 0; i < 60 && status !== done; i++) {
      await page.goto(`/jobs/${id}?refresh=off`);
      status = (await page.locator('#job-status').innerText()).trim();
      if (status !== done) await page.waitForTimeout(250);
    }
    assert.equal(status, done, `job ${id} did not finish`);
    await assertAccessible(page, '/jobs/{id} when done');
    const sha = createHash('sha256').update(content).digest('hex');
    assert.match(await page.locator('main').innerText(), new RegExp(sha));
    assert.equal(await page.locator('meta[http-equiv=refresh]').count(), 0, 'a finished job\'s page does not refresh');
  });

  test('shows the form again with a message when no file was chosen', async () => {
    await visit(page, '/jobs/checksum');
    const form = page.locator('main form[enctype="multipart/form-data"]');
    // Let the browser submit without a file: the server must say what is missing.
    await form.locator('input[type=file]').evaluate((el) => el.removeAttribute('required'));
    const response = await submit(page, form);
    assert.equal(response.status(), 422);
    await assertAccessible(page, '/jobs/checksum re-shown with errors');
    assert.equal(await page.locator('#file').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.error-summary a[href="#file"]').count(), 1);
  });
});
