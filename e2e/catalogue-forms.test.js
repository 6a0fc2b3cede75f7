// The indicator catalogue's coordinator forms (an indicator's edit form, a set's form) in
// Finnish, Swedish and English, checked with axe. Apart from catalogue.test.js so that each
// file stays within the runner's per-file time limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, signIn, visit } from './lib.js';

const LANGS = ['fi', 'sv', 'en'];

let browser;
let page;

/** The first link on the current page whose path matches `re`. */
async function firstLink(re) {
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => re.test(h ?? ''));
  assert.ok(href, `no link matching ${re} on ${page.url()}`);
  return href;
}

describe('The indicator catalogue for coordinators', () => {
  before(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
    await signIn(page);
  });
  after(async () => {
    await browser?.close();
  });

  for (const lang of LANGS) {
    test(`gives accessible forms in ${lang}`, async () => {
      await page.goto(`/indicators?q=289&lang=${lang}`);
      const href = await firstLink(/^\/indicators\/\d+$/);
      await visit(page, href);
      await visit(page, `${href}/edit`);
      await page.goto('/indicator-sets');
      const set = await firstLink(/^\/indicator-sets\/\d+$/);
      await visit(page, `${set}/edit`);
    });
  }
});
