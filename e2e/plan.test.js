// The plan pages (issue 7) in Finnish, Swedish and English: the demo plan's tree, an action,
// the public progress page, the timeline and the resources, seen anonymously, with
// axe's WCAG 2.1 A/AA check on each. The forms are in plan-admin.test.js.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, t, visit } from './lib.js';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The demo plan's page and one of its actions, found by following links (no axe here). */
async function demoPlan(page, lang) {
  await page.goto(`/plans?lang=${lang}`);
  const href = await page.locator('main table a[href^="/plans/"]').first().getAttribute('href');
  assert.ok(href, 'no plan on /plans');
  await page.goto(href);
  const action = await page.locator('main a[href^="/actions/"]').first().getAttribute('href');
  assert.ok(action, `no action on ${href}`);
  return { plan: href, action };
}

describe('the plan pages', () => {
  for (const lang of ['fi', 'sv', 'en']) {
    test(`are accessible to an anonymous visitor in ${lang}`, async () => {
      const page = await newPage(browser);
      const { plan, action } = await demoPlan(page, lang);
      await visit(page, plan);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      // Statuses are words with symbols; the progress bar is an image with a table beside it.
      const body = await page.locator('main').innerText();
      assert.ok(body.includes(t(lang, 'plan-status-done')), `no "${t(lang, 'plan-status-done')}" on ${plan}`);
      assert.ok((await page.locator('main svg[role=img]').count()) > 0, 'no chart');
      await visit(page, action);
      await visit(page, `${plan}/public`);
      if (lang === 'fi') {
        await visit(page, '/plans');
        await visit(page, `${plan}/timeline`);
        await visit(page, `${plan}/resources`);
        await visit(page, `${plan}?status=delayed`);
      }
      await page.context().close();
    });
  }
});
