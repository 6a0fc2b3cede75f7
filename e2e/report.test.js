// The plan's annual report as a coordinator meets it: the list with its form for a new
// period, the draft report (headings, tables with captions, charts with their tables),
// the narratives' form, publishing, the published report and the comparison — each page
// checked with axe in Finnish, Swedish and English.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, signIn, submit, visit } from './lib.js';

const LANGS = ['fi', 'sv', 'en'];

let browser;
let page;
let plan;
let report;

before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  await signIn(page);
  const plans = await (await page.request.get('/api/v1/plans')).json();
  plan = plans.find((p) => p.title_fi.startsWith('Päijät-Hämeen ehkäisevän työn toimintasuunnitelma'));
  assert.ok(plan, 'the demo plan exists');
});
after(async () => {
  await browser?.close();
});

describe('the annual report', () => {
  test('is created, written and published through accessible pages', async () => {
    await visit(page, `/plans/${plan.id}/reports?lang=fi`);
    const form = page.locator(`main form[action="/plans/${plan.id}/reports"]`);
    await form.locator('input[name=from_year]').fill('2021');
    await form.locator('input[name=to_year]').fill('2025');
    const created = await submit(page, form);
    assert.equal(created.status(), 303);
    const m = new URL(page.url()).pathname.match(/\/reports\/(\d+)$/);
    assert.ok(m, `landed on ${page.url()}`);
    report = `/plans/${plan.id}/reports/${m[1]}`;
    await visit(page, `${report}/edit`);
    await page.locator('textarea[name=intro]').fill('**Vuosi 2021–2025** oli hyvä.');
    const saved = await submit(page, page.locator(`main form[action="${report}/edit"]`));
    assert.equal(saved.status(), 303);
    const published = await submit(page, page.locator(`main form[action="${report}/publish"]`));
    assert.equal(published.status(), 303);
  });

  for (const lang of LANGS) {
    test(`has no accessibility violations in ${lang}`, async () => {
      assert.ok(report, 'the report was created');
      await visit(page, `/plans/${plan.id}/reports?lang=${lang}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await visit(page, report);
      assert.ok((await page.locator('main svg[role=img]').count()) > 0, 'charts are drawn');
      assert.ok((await page.locator('main table caption').count()) > 0, 'tables have captions');
      await visit(page, `${report}/edit`);
      await visit(page, `${report}/published`);
      await visit(page, `${report}/compare`);
    });
  }
});
