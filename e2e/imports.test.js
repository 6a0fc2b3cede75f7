// Indicator data imports as a coordinator meets them: the history at /imports and an
// import's own page (its summary, who and when, the errors it recorded), each checked with
// axe in Finnish, Swedish and English; and a refused CSV upload whose page names the line.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RUN, idFrom, launchBrowser, newPage, signIn, submit, t, visit } from './lib.js';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

describe('indicator data imports', () => {
  for (const lang of ['fi', 'sv', 'en']) {
    test(`the history links each import to its own page (${lang})`, async () => {
      if (lang === 'fi') await signIn(page);
      await visit(page, `/imports?lang=${lang}`);
      const href = await page.locator('main tbody th a[href^="/imports/"]').first().getAttribute('href');
      assert.ok(href, 'the history links to an import page');
      await visit(page, href);
      assert.equal(await page.locator('h1').innerText(), t(lang, 'import-page-title').replace('{ $id }', href.split('/').pop()));
    });
  }

  test('a refused upload is listed with the line that is wrong', async () => {
    await visit(page, '/imports?lang=fi');
    const form = page.locator('main form[enctype="multipart/form-data"]');
    const content = `indikaattori;alue;vuosi;sukupuoli;arvo\nsotkanet:289;KU398;20O4;yhteensä;1\n`;
    await form.locator('input[type=file]').setInputFiles({ name: `e2e-${RUN}.csv`, mimeType: 'text/csv', buffer: Buffer.from(content) });
    const response = await submit(page, form);
    assert.equal(response.status(), 303, `the upload answered ${response.status()}`);
    const job = idFrom(page.url(), 'jobs');
    let href = null;
    for (let i = 0; i < 60 && !href; i++) {
      await page.goto('/imports?lang=fi');
      const row = page.locator('main tbody tr', { hasText: `e2e-${RUN}.csv` }).first();
      if ((await row.count()) > 0 && (await row.innerText()).includes(t('fi', 'imports-status-failed'))) {
        href = await row.locator('th a').getAttribute('href');
      } else {
        await page.waitForTimeout(250);
      }
    }
    assert.ok(href, `the import of job ${job} did not finish`);
    await visit(page, href);
    const main = await page.locator('main').innerText();
    assert.match(main, /Rivi 2/);
    assert.match(main, /20O4/);
    assert.equal(await page.locator(`main a[href="/jobs/${job}"]`).count(), 1, 'links to its job');
  });
});
