// The plan pages (issue 7) in Finnish, Swedish and English: the demo plan's tree, an action,
// the public progress page, the timeline and the resources, anonymous and signed in, with
// axe's WCAG 2.1 A/AA check on each; the report-progress form refused and shown again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertAccessible, launchBrowser, newPage, signIn, submit, t, visit } from './lib.js';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The demo plan's page and one of its actions, found by following links. */
async function demoPlan(page) {
  await visit(page, '/plans');
  const href = await page.locator('main table a[href^="/plans/"]').first().getAttribute('href');
  assert.ok(href, 'no plan on /plans');
  await visit(page, href);
  const action = await page.locator('main a[href^="/actions/"]').first().getAttribute('href');
  assert.ok(action, `no action on ${href}`);
  return { plan: href, action };
}

describe('the plan pages', () => {
  for (const lang of ['fi', 'sv', 'en']) {
    test(`are accessible to an anonymous visitor in ${lang}`, async () => {
      const page = await newPage(browser);
      await visit(page, `/?lang=${lang}`);
      const { plan, action } = await demoPlan(page);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      // Statuses are words with symbols; the progress bar is an image with a table beside it.
      const body = await page.locator('main').innerText();
      assert.ok(body.includes(t(lang, 'plan-status-done')), `no "${t(lang, 'plan-status-done')}" on ${plan}`);
      assert.ok((await page.locator('main svg[role=img]').count()) > 0, 'no chart');
      await visit(page, action);
      await visit(page, `${plan}/public`);
      assert.equal((await page.locator('h1').count()), 1);
      await visit(page, `${plan}/timeline`);
      await visit(page, `${plan}/resources`);
      await visit(page, `${plan}?status=delayed`);
      await page.context().close();
    });
  }

  test('are accessible to the admin, and a refused progress report keeps what was typed', async () => {
    const page = await newPage(browser);
    await signIn(page);
    for (const lang of ['fi', 'sv', 'en']) {
      await visit(page, `/plans?lang=${lang}`);
      const { plan, action } = await demoPlan(page);
      await visit(page, `${action}/edit`);
      await visit(page, `${plan}/edit`);
      await visit(page, action);
      const form = page.locator(`form[action="${action}/progress"]`);
      await form.locator('input[name=percent]').fill('101');
      await form.locator('textarea[name=narrative]').fill('Kirjoitettu');
      const response = await submit(page, form);
      assert.equal(response.status(), 422);
      await assertAccessible(page, `${action} refused in ${lang}`);
      assert.equal(await page.locator('input[name=percent]').inputValue(), '101');
      assert.equal(await page.locator('#percent-error').innerText(), t(lang, 'error-percent-range'));
    }
    await page.context().close();
  });
});
