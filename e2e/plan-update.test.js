// The plan's fast-update screen as the Sysmä professional meets it: the coordinator gives
// her municipality three actions of the demo plan (through the JSON API, with the session
// and the CSRF header), then she updates all three on /plans/updates in one submit. The
// screen is checked with axe in Finnish, Swedish and English, and on a phone-sized screen.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RUN, assertAccessible, launchBrowser, newPage, signIn, submit, visit } from './lib.js';

const PASSWORD = 'tuuli-demo-2026';
const COORDINATOR = { email: 'koordinaattori@example.fi', password: PASSWORD };
const EDITOR = { email: 'sysma@example.fi', password: PASSWORD };

let browser;
const actions = [];

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A JSON API call with the page's session and its CSRF token (as a same-site script would). */
async function api(page, method, url, data) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'tuuli_csrf')?.value ?? '';
  const res = await page.request.fetch(url, { method, data, headers: { 'X-CSRF-Token': csrf } });
  assert.ok(res.ok(), `${method} ${url} answered ${res.status()}: ${await res.text()}`);
  return res.json();
}

describe('the fast-update screen', () => {
  test('the coordinator gives Sysmä three actions of the demo plan', async () => {
    const page = await newPage(browser);
    await signIn(page, COORDINATOR);
    const plans = await api(page, 'GET', '/api/v1/plans');
    assert.ok(plans.length > 0, 'the demo has a plan');
    const tree = await api(page, 'GET', `/api/v1/plans/${plans[0].id}`);
    const goal = tree.promises[0].goals[0].id;
    const orgs = await api(page, 'GET', `/api/v1/organisations?q=${encodeURIComponent('Sysmän kunta')}`);
    const sysma = orgs.items.find((o) => o.name_fi === 'Sysmän kunta');
    assert.ok(sysma, 'the demo has Sysmän kunta');
    for (const n of [1, 2, 3]) {
      const a = await api(page, 'POST', '/api/v1/actions', {
        goal_id: goal,
        title: `E2E-toimenpide ${n} ${RUN}`,
        lead_organisation_id: sysma.id,
        start_date: '2024-01-01',
      });
      actions.push(a.id);
    }
    await page.context().close();
  });

  test('an editor updates three actions in one submit', async () => {
    const page = await newPage(browser);
    await signIn(page, EDITOR);
    await visit(page, '/plans/updates');
    const form = page.locator('main form[method=post]');
    for (const [i, id] of actions.entries()) {
      await form.locator(`#status-${id}`).selectOption(i === 2 ? 'done' : 'on_track');
      await form.locator(`#percent-${id}`).fill(String(30 * (i + 1)));
      await form.locator(`#euros_used-${id}`).fill(`${i + 1}00,50`);
      await form.locator(`#narrative-${id}`).fill(`Edistyi ${RUN}`);
    }
    const response = await submit(page, form);
    assert.equal(response.status(), 303, `the save answered ${response.status()}`);
    assert.match(page.url(), /saved=3/);
    await assertAccessible(page, '/plans/updates after saving');
    for (const [i, id] of actions.entries()) {
      assert.equal(await page.locator(`#percent-${id}`).inputValue(), String(30 * (i + 1)));
    }
    const progress = await api(page, 'GET', `/api/v1/actions/${actions[2]}/progress`);
    assert.equal(progress.length, 1);
    assert.equal(progress[0].status, 'done');
    assert.equal(progress[0].euros_used, 300.5);
    await page.context().close();
  });

  test('is accessible in Finnish, Swedish and English, and on a phone', async () => {
    const page = await newPage(browser);
    await signIn(page, EDITOR);
    for (const lang of ['fi', 'sv', 'en']) {
      await visit(page, `/plans/updates?lang=${lang}`, { label: `/plans/updates (${lang})` });
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
    }
    await page.setViewportSize({ width: 360, height: 740 });
    await visit(page, '/plans/updates?lang=fi', { label: '/plans/updates on a phone' });
    // On a narrow screen each field shows its own label (the table reflows into cards).
    const label = page.locator(`label[for="percent-${actions[0]}"]`);
    assert.ok(await label.isVisible(), 'the field label is visible on a phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the page scrolls sideways on a phone (${width}px wide)`);
    await page.context().close();
  });
});
