// The demo admin, as a new user would work: sign in with the form, add an organisation
// (after a first try with a mistake), a group convened by it, and a member of the group;
// then find the changes in the audit log. Every page reached is checked with axe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RUN, assertAccessible, idFrom, launchBrowser, messages, newPage, selectByText, signIn, submit, t, visit } from './lib.js';

const ORG_FI = `E2E-testijärjestö ${RUN}`;
const ORG_SV = `E2E-testföreningen ${RUN}`;
const GROUP_FI = `E2E-ryhmä ${RUN}`;
const GROUP_SV = `E2E-gruppen ${RUN}`;
const GROUP_EN = `E2E group ${RUN}`;
/** A fictitious person of the demo data. */
const MEMBER = 'Aino Esimerkki';

let browser;
let page;
let orgId;
let groupId;

before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

describe('the demo admin', () => {
  test('signs in with the login form', async () => {
    await signIn(page);
    await assertAccessible(page, 'the page after sign-in');
    // The admin's own links appear in the main menu.
    assert.equal(await page.locator('nav.main-nav a[href="/admin/audit"]').count(), 1);
  });

  test('sees the organisation form again, with the typed values and the error, when the name is missing', async () => {
    await visit(page, '/organisations/new');
    const form = page.locator('main form[method=post]');
    await form.locator('input[name=website]').fill('https://example.fi/e2e');
    const response = await submit(page, form);
    assert.equal(response.status(), 422);
    await assertAccessible(page, '/organisations form re-shown with errors');
    assert.equal(await page.locator('#name_fi').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#name_fi-error').count(), 1);
    assert.equal(await page.locator('.error-summary a[href="#name_fi"]').count(), 1);
    assert.equal(await page.locator('#website').inputValue(), 'https://example.fi/e2e');
  });

  test('creates an organisation with the form', async () => {
    await visit(page, '/organisations/new');
    const form = page.locator('main form[method=post]');
    await form.locator('input[name=name_fi]').fill(ORG_FI);
    await form.locator('input[name=name_sv]').fill(ORG_SV);
    await form.locator('select[name=org_type]').selectOption('ngo');
    await selectByText(form.locator('select[name=area_id]'), 'Lahti');
    await form.locator('input[name=website]').fill('https://example.fi/e2e');
    await form.locator('input[name=themes][value=mental-health]').check();
    await form.locator('input[name=themes][value=gambling]').check();
    const response = await submit(page, form);
    assert.ok([200, 303].includes(response.status()), `creating answered ${response.status()}`);
    orgId = idFrom(page.url(), 'organisations');
    await assertAccessible(page, '/organisations/{id}');
    assert.equal((await page.locator('h1').innerText()).trim(), ORG_FI);
    assert.equal((await page.locator('[role=status]').innerText()).trim(), t('fi', 'saved'));
    const facts = await page.locator('main dl').innerText();
    assert.match(facts, /Lahti/);
    assert.match(facts, new RegExp(ORG_SV));

    await visit(page, `/organisations?q=${encodeURIComponent(ORG_FI)}`);
    assert.equal(await page.locator(`main table a[href="/organisations/${orgId}"]`).count(), 1);
  });

  test('creates a group convened by the new organisation', async () => {
    assert.ok(orgId, 'needs the organisation of the previous test');
    await visit(page, '/groups/new');
    let form = page.locator('main form[method=post]');
    // A first try without a name comes back with the error.
    let response = await submit(page, form);
    assert.equal(response.status(), 422);
    await assertAccessible(page, '/groups form re-shown with errors');
    assert.equal(await page.locator('#name_fi').getAttribute('aria-invalid'), 'true');

    form = page.locator('main form[method=post]');
    await form.locator('input[name=name_fi]').fill(GROUP_FI);
    await form.locator('input[name=name_sv]').fill(GROUP_SV);
    await form.locator('input[name=name_en]').fill(GROUP_EN);
    await form.locator('select[name=group_type]').selectOption('expert');
    await form.locator('select[name=status]').selectOption('planned');
    await selectByText(form.locator('select[name=convener_id]'), ORG_FI);
    await form.locator('textarea[name=description]').fill('Selainten testi loi tämän ryhmän.');
    await form.locator('input[name=themes][value=gambling]').check();
    response = await submit(page, form);
    assert.ok([200, 303].includes(response.status()), `creating answered ${response.status()}`);
    groupId = idFrom(page.url(), 'groups');
    await assertAccessible(page, '/groups/{id}');
    assert.equal((await page.locator('h1').innerText()).trim(), GROUP_FI);
    const main = await page.locator('main').innerText();
    assert.match(main, new RegExp(ORG_FI), 'the convener is not shown on the group page');
    assert.match(main, new RegExp(t('fi', 'group-status-planned')), 'the status is not shown on the group page');
  });

  test('adds a member on the group page', async () => {
    assert.ok(groupId, 'needs the group of the previous test');
    await visit(page, `/groups/${groupId}`);
    const form = page.locator(`main form[action="/groups/${groupId}/memberships"]`);
    assert.equal(await form.count(), 1, 'no membership form on the group page');
    await selectByText(form.locator('select[name=person_id]'), MEMBER);
    await form.locator('select[name=role]').selectOption('chair');
    await form.locator('input[name=start_date]').fill('2026-01-15');
    const response = await submit(page, form);
    assert.ok([200, 303].includes(response.status()), `adding the member answered ${response.status()}`);
    assert.equal(idFrom(page.url(), 'groups'), groupId);
    await assertAccessible(page, '/groups/{id} after adding a member');
    // The member is listed with the role, in words.
    const row = page.locator('main tr, main li').filter({ hasText: MEMBER }).first();
    assert.equal(await row.count(), 1, `${MEMBER} is not listed on the group page`);
    // The role's label key is the groups module's (`<prefix>-chair`); any such key will do.
    const chair = [...messages('fi')].filter(([k]) => /-chair$/.test(k)).map(([, v]) => v);
    assert.ok(chair.length > 0, 'no label for the role "chair" in locales/fi');
    const text = await row.innerText();
    assert.ok(chair.some((label) => text.includes(label)), `the role is not shown in words: ${text}`);
  });

  test('finds the changes in the audit log, and the admin pages are accessible', async () => {
    await visit(page, '/admin/users');
    await visit(page, '/admin/audit');
    assert.ok(orgId, 'needs the organisation created above');
    await visit(page, `/admin/audit?entity=organisation&entity_id=${orgId}`);
    const rows = page.locator('main table.audit tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), new RegExp(ORG_FI));
    if (groupId) {
      await visit(page, `/admin/audit?entity=group&entity_id=${groupId}`);
      assert.ok((await rows.count()) >= 1, 'no audit entry for the new group');
    }
  });

  test('sees the other pages of the network accessible when signed in', async () => {
    await visit(page, '/');
    await visit(page, '/groups');
    await visit(page, '/meetings');
    const meeting = await page.locator('main a[href^="/meetings/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')).find((h) => /^\/meetings\/\d+$/.test(h ?? '')));
    assert.ok(meeting, 'no meeting link on /meetings (the demo data has meetings)');
    await visit(page, meeting);
    await visit(page, '/people');
    const person = await page.locator('main a[href^="/people/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')).find((h) => /^\/people\/\d+$/.test(h ?? '')));
    assert.ok(person, 'no person link on /people');
    await visit(page, person);
    await visit(page, '/areas');
    const area = await page.locator('main a[href^="/areas/"]').first().getAttribute('href');
    assert.ok(area, 'no area link on /areas');
    await visit(page, area);
    if (orgId) await visit(page, `/organisations/${orgId}/edit`);
    // The own-password page, also with its error summary after a wrong current password.
    await visit(page, '/account/password');
    const form = page.locator('form[action="/account/password"]');
    await form.locator('#current_password').fill('not-the-password');
    await form.locator('#new_password').fill('uusi-salasana-2026');
    await form.locator('#new_password_again').fill('uusi-salasana-2026');
    const res = await submit(page, form);
    assert.equal(res.status(), 422);
    assert.equal(await page.locator('.error-summary').count(), 1);
    await assertAccessible(page, '/account/password (with errors)');
  });
});
