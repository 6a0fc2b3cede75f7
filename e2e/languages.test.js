// Every page the demo admin reaches, in Finnish, Swedish and English, checked with axe:
// the accessibility of a page is a property of each translation (WCAG 2.5.3 label in
// name, for one, fails when only one language's accessible name drifts from its visible
// text). The browser must also log no errors while loading them (a missing favicon is one).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertAccessible, launchBrowser, newPage, signIn, visit } from './lib.js';

const LANGS = ['fi', 'sv', 'en'];

let browser;
let page;
const problems = [];

/** The first link matching `re` on the page at `path`. */
async function firstLinkOn(path, re) {
  await page.goto(path);
  return firstLink(re);
}

/** The first link on the current page whose path matches `re`. */
async function firstLink(re) {
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => re.test(h ?? ''));
  assert.ok(href, `no link matching ${re} on ${page.url()}`);
  return href;
}

describe('In every language, the demo admin', () => {
  before(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.request().isNavigationRequest()) problems.push(`${r.status()} for ${r.url()}`);
    });
    await signIn(page);
  });
  after(async () => {
    await browser?.close();
  });

  for (const lang of LANGS) {
    test(`finds every kind of page accessible in ${lang}`, async () => {
      await visit(page, `/?lang=${lang}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await visit(page, '/organisations');
      await visit(page, await firstLink(/^\/organisations\/\d+$/));
      await visit(page, '/organisations/new');
      await visit(page, '/groups');
      const group = await firstLink(/^\/groups\/\d+$/);
      await visit(page, group);
      await visit(page, `${group}/edit`);
      await visit(page, '/groups/new');
      await visit(page, '/meetings?when=past');
      // A past meeting has decisions, each with its own delete button.
      await visit(page, await firstLink(/^\/meetings\/\d+$/));
      await visit(page, '/meetings');
      await visit(page, '/meetings/new');
      await visit(page, '/people');
      await visit(page, await firstLink(/^\/people\/\d+$/));
      await visit(page, '/people/new');
      await visit(page, '/areas');
      await visit(page, await firstLink(/^\/areas\/\d+$/));
      await visit(page, '/admin/users');
      await visit(page, '/admin/audit');
      await visit(page, '/account');
      await visit(page, '/account/password');
      // An edit conflict: the form opened, the record saved meanwhile, the form sent.
      const orgEdit = `${await firstLinkOn('/organisations', /^\/organisations\/\d+$/)}/edit`;
      await visit(page, orgEdit);
      const form = page.locator(`form[action="${orgEdit}"]`);
      const stale = await form.locator('input[name=version]').inputValue();
      const csrf = await form.locator('input[name=_csrf]').inputValue();
      const body = new URLSearchParams({ _csrf: csrf, name_fi: `Muutettu ${lang}`, org_type: 'ngo', version: stale });
      const first = await page.request.post(orgEdit, { form: Object.fromEntries(body), maxRedirects: 0 });
      assert.equal(first.status(), 303);
      await form.locator('input[name=name_fi]').fill(`Toinen muutos ${lang}`);
      const [res] = await Promise.all([
        page.waitForEvent('response', (r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
        form.locator('button[type=submit]').first().click(),
      ]);
      assert.equal(res.status(), 409);
      await page.waitForLoadState('load');
      await assertAccessible(page, `${orgEdit} (edit conflict, ${lang})`);
      // The conflict's own 409 is expected; nothing else may fail.
      const unexpected = problems.filter((p) => !p.includes('status of 409 (Conflict)'));
      assert.deepEqual(unexpected, [], unexpected.join('\n'));
      problems.length = 0;
    });
  }

  test('gets the icon the pages link to', async () => {
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^image\/svg\+xml/);
    assert.equal((await page.request.get('/favicon.ico')).status(), 200);
  });
});
