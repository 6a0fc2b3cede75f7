// The indicator catalogue in Finnish, Swedish and English: the list (with a search for an
// "ä"), an indicator page with Sotkanet's description and the sets, each checked with axe;
// and the export form's CSV. The coordinators' forms are in catalogue-forms.test.js.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, t, visit } from './lib.js';

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

describe('The indicator catalogue', () => {
  before(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
  });

  for (const lang of LANGS) {
    test(`is accessible to the public in ${lang}`, async () => {
      await visit(page, `/indicators?lang=${lang}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.locator('h1').innerText(), t(lang, 'catalogue-title'));
      // The search folds case: upper-case Ä finds "Läheisen alkoholin käyttö…".
      await visit(page, '/indicators?q=L%C3%84HEISEN');
      assert.equal(await page.locator('main tbody tr').count(), 2);
      await visit(page, '/indicators?theme=gambling&set=kuva');
      // Indicator 186 has Sotkanet's description (sanitised HTML).
      await page.goto('/indicators?q=186');
      const href = await firstLink(/^\/indicators\/\d+$/);
      await visit(page, href);
      assert.ok((await page.locator('.source-html').count()) > 0, 'the description is shown');
      await visit(page, '/indicator-sets');
      await visit(page, await firstLink(/^\/indicator-sets\/\d+$/));
    });
  }

  test('gives the export form a CSV the importer reads', async () => {
    await page.goto('/indicators?q=289&lang=fi');
    const href = await firstLink(/^\/indicators\/\d+$/);
    const res = await page.request.get(`${href}/export?format=csv`);
    assert.equal(res.status(), 200);
    const body = await res.body();
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte-order mark');
    assert.match(body.toString('utf8'), /^\uFEFFindikaattori;alue;vuosi;sukupuoli;arvo;lukumäärä;nimittäjä/);
  });
});
