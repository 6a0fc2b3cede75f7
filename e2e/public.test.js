// What an anonymous visitor sees: the Päijät-Häme network in Finnish, the switch to
// Swedish that is remembered, the skip link by keyboard, and accessible public pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertAccessible, launchBrowser, newPage, t, visit } from './lib.js';

/** Groups of the demo data (from the source documents), in Finnish and in Swedish. */
const COORDINATION_FI = 'Ehkäisevän työn seutukoordinaatioryhmä';
const COORDINATION_SV = 'Regional samordningsgrupp för förebyggande arbete';
const VIOLENCE_FI = 'Perhe- ja lähisuhdeväkivallan ehkäisyn asiantuntijaryhmä';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('an anonymous visitor', () => {
  test('sees the Päijät-Häme network in Finnish on the home page', async () => {
    const page = await newPage(browser);
    await visit(page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'fi');
    assert.equal((await page.locator('h1').innerText()).trim(), t('fi', 'home-heading'));
    assert.match(await page.title(), new RegExp(t('fi', 'home-title')));
    const groups = page.locator('section[aria-labelledby=groups-heading]');
    assert.equal((await groups.locator('h2').innerText()).trim(), t('fi', 'home-groups'));
    const names = await groups.locator('h3').allInnerTexts();
    assert.ok(names.includes(COORDINATION_FI), `the coordination group is missing from ${JSON.stringify(names)}`);
    assert.ok(names.includes(VIOLENCE_FI), `the violence group is missing from ${JSON.stringify(names)}`);
    // The violence group is under negotiation (source documents), said in words.
    const violence = groups.locator('li', { hasText: VIOLENCE_FI });
    assert.match(await violence.innerText(), new RegExp(t('fi', 'group-status-negotiation')));
    await page.context().close();
  });

  test('switches to Swedish with the language links and stays in Swedish on the next page', async () => {
    const page = await newPage(browser);
    await visit(page, '/');
    await Promise.all([page.waitForURL(/lang=sv/), page.locator('nav.langs a[hreflang=sv]').click()]);
    await assertAccessible(page, '/ in Swedish');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal((await page.locator('h1').innerText()).trim(), t('sv', 'home-heading'));
    assert.equal(await page.locator('nav.langs a[hreflang=sv]').getAttribute('aria-current'), 'true');
    const groups = await page.locator('section[aria-labelledby=groups-heading] h3').allInnerTexts();
    assert.ok(groups.includes(COORDINATION_SV), `expected the Swedish group name in ${JSON.stringify(groups)}`);

    // The next page, reached by a plain link without ?lang=, is still Swedish (cookie).
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/organisations'),
      page.locator('nav.main-nav a[href="/organisations"]').click(),
    ]);
    assert.ok(!page.url().includes('lang='), page.url());
    await assertAccessible(page, '/organisations in Swedish');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal((await page.locator('h1').innerText()).trim(), t('sv', 'organisations-title'));
    assert.equal((await page.locator('a.skip-link').innerText()).trim(), t('sv', 'skip-to-content'));
    await page.context().close();
  });

  test("gets Swedish pages when the browser asks for Swedish (Accept-Language)", async () => {
    const page = await newPage(browser, { locale: 'sv-FI' });
    await visit(page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.equal((await page.locator('h1').innerText()).trim(), t('sv', 'home-heading'));
    await page.context().close();
  });

  test('reaches the skip link first with Tab, and it moves focus to the main content', async () => {
    const page = await newPage(browser);
    await visit(page, '/organisations');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el?.getBoundingClientRect();
      return { tag: el?.tagName, cls: el?.className, text: el?.textContent?.trim(), href: el?.getAttribute('href'), left: box?.left, width: box?.width };
    });
    assert.equal(first.tag, 'A');
    assert.equal(first.cls, 'skip-link');
    assert.equal(first.text, t('fi', 'skip-to-content'));
    assert.equal(first.href, '#main');
    // Visible when focused (WCAG 2.4.7), not parked off-screen.
    assert.ok(first.left >= 0 && first.width > 0, `the focused skip link is off-screen: ${JSON.stringify(first)}`);
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => ({ tag: document.activeElement?.tagName, id: document.activeElement?.id }));
    assert.deepEqual(focused, { tag: 'MAIN', id: 'main' });
    // The next Tab continues inside the main content, not back in the header.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => Boolean(document.activeElement?.closest('main')));
    assert.ok(inMain, 'the Tab after the skip link left the main content');
    await page.context().close();
  });

  test('reads the pages on a 320 px wide screen without scrolling sideways (WCAG 1.4.10)', async () => {
    const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
    for (const url of ['/', '/organisations', '/groups', '/meetings', '/areas', '/login']) {
      await visit(page, url);
      // Wide data tables may scroll inside themselves; the page itself must not.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${url} is ${width} px wide at a 320 px viewport`);
    }
    await page.context().close();
  });

  test('finds the public pages accessible', async () => {
    const page = await newPage(browser);
    await visit(page, '/areas');
    await visit(page, '/login');
    await visit(page, '/organisations');
    // An organisation's page, reached from the list.
    const first = page.locator('main table a[href^="/organisations/"]').first();
    const href = await first.getAttribute('href');
    assert.ok(href && /^\/organisations\/\d+$/.test(href), `no organisation link in the list (got ${href})`);
    await visit(page, href);
    // A filtered list (theme and type) keeps its filter form accessible too.
    await visit(page, '/organisations?type=municipality&theme=violence');
    await visit(page, '/groups');
    const group = page.locator('main a[href^="/groups/"]').filter({ hasText: COORDINATION_FI }).first();
    const groupHref = await group.getAttribute('href');
    assert.ok(groupHref && /^\/groups\/\d+$/.test(groupHref), `no link to the coordination group on /groups (got ${groupHref})`);
    await visit(page, groupHref);
    await visit(page, '/meetings');
    // The error page for an unknown id is a proper page too.
    await visit(page, '/organisations/999999999', { status: 404 });
    // Anonymous visitors get the sign-in page for admin pages, not the page itself.
    await page.goto('/admin/users');
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.context().close();
  });
});
