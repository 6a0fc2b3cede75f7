// The statistics views (issue 9) on the demo's synthetic indicator values: a
// municipality's profile, an indicator's statistics with its funnel plot, the flag list,
// a theme dashboard and the welfare report, each checked with axe in Finnish, Swedish and
// English; and the synthetic label and the charts' accessible names are there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, t, visit } from './lib.js';

const LANGS = ['fi', 'sv', 'en'];

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

/** The path of the first link in main whose text contains `text` and path matches `re`. */
async function linkTo(text, re) {
  const links = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent ?? '']));
  const found = links.find(([h, txt]) => re.test(h ?? '') && txt.includes(text));
  assert.ok(found, `no link "${text}" matching ${re} on ${page.url()}`);
  return found[0];
}

describe('the statistics views', () => {
  for (const lang of LANGS) {
    test(`are accessible in ${lang}`, async () => {
      await visit(page, `/areas?lang=${lang}`);
      const sysma = await linkTo('Sysmä', /^\/areas\/\d+$/);
      await visit(page, `${sysma}/profile`);
      assert.match(await page.locator('main').innerText(), new RegExp(t(lang, 'stats-synthetic-label').replace('.', '\\.')));
      assert.ok((await page.locator('main svg[role=img] title').count()) > 0, 'charts have titles');
      // The set holds indicators without demo values too; a flagged one has them all.
      await visit(page, '/flags');
      assert.ok((await page.locator('main li.flag').count()) > 0, 'the demo raises flags');
      const indicator = await page.locator('main li.flag a[href^="/indicators/"]').first().getAttribute('href');
      await visit(page, indicator);
      assert.equal(await page.locator('main svg[role=img]').count(), 3, 'bars, funnel and series');
      await visit(page, '/knowledge/themes/substances');
      await visit(page, `${sysma}/welfare-report`);
    });
  }
});
