// The plan pages signed in (issue 7): the action page with its report-progress form and
// the edit forms are accessible, and a refused progress report (percent 101) comes back
// with what was typed and the error next to the field, in Finnish, Swedish and English.
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

describe('the demo admin on the plan pages', () => {
  test('finds the forms accessible, and a refused progress report keeps what was typed', async () => {
    const page = await newPage(browser);
    await signIn(page);
    await page.goto('/plans');
    const plan = await page.locator('main table a[href^="/plans/"]').first().getAttribute('href');
    await page.goto(plan);
    const action = await page.locator('main a[href^="/actions/"]').first().getAttribute('href');
    await visit(page, `${action}/edit`);
    await visit(page, `${plan}/edit`);
    for (const lang of ['fi', 'sv', 'en']) {
      await visit(page, `${action}?lang=${lang}`);
      const form = page.locator(`form[action="${action}/progress"]`);
      await form.locator('input[name=percent]').fill('101');
      await form.locator('textarea[name=narrative]').fill('Kirjoitettu');
      const response = await submit(page, form);
      assert.equal(response.status(), 422);
      await assertAccessible(page, `${action} refused in ${lang}`);
      assert.equal(await page.locator('input[name=percent]').inputValue(), '101');
      assert.equal(await page.locator('textarea[name=narrative]').inputValue(), 'Kirjoitettu');
      assert.equal((await page.locator('#percent-error').innerText()).trim(), t(lang, 'error-percent-range'));
    }
    await page.context().close();
  });
});
