// Shared helpers for the browser tests: the browser, page visits with an accessibility
// check, and the UI strings read from the project's own Fluent files (so the tests follow
// the wording instead of copying it).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The server under test, started by scripts/e2e. */
export const BASE = process.env.TUULI_E2E_BASE_URL ?? '';
if (!BASE) {
  throw new Error('TUULI_E2E_BASE_URL is not set: run the browser tests with scripts/e2e');
}

/** The demo admin that `tuuli serve --demo` creates (crates/tuuli/src/demo.rs). */
export const ADMIN = { email: 'admin@example.fi', password: 'tuuli-demo-2026' };

/** The WCAG 2.1 A and AA rules of axe-core. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Starts headless Debian Chromium. Playwright gives every launch a fresh, empty
 * --user-data-dir of its own; the other flags keep Chromium from reaching for the network,
 * which this machine's closed network refuses (see the machine notes).
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new browser context (own cookies) whose relative URLs go to the server under test. */
export async function newPage(browser, options = {}) {
  // A Finnish user's browser asks for Finnish; tests override `locale` to try others.
  const context = await browser.newContext({ baseURL: BASE, locale: 'fi-FI', ...options });
  return context.newPage();
}

/** Makes axe's findings readable: rule, impact, help, and each offending element. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Runs axe (WCAG 2.1 A/AA) on the page as it is now and fails on any violation. */
export async function assertAccessible(page, label = '') {
  const results = await new AxeBuilder({ page })
    // WCAG 2.5.3 (label in name) is an experimental rule in axe, off unless asked for; our
    // buttons carry aria-labels that must contain their visible text in every language.
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .withTags(AXE_TAGS)
    .analyze();
  const where = label || new URL(page.url()).pathname;
  if (results.violations.length > 0) {
    assert.fail(
      `axe found ${results.violations.length} WCAG 2.1 A/AA violation(s) on ${where} (${page.url()}):\n` +
        formatViolations(results.violations),
    );
  }
}

/**
 * Opens `url`, checks the HTTP status (200 unless told otherwise) and the page's
 * accessibility. Returns the response.
 */
export async function visit(page, url, { status = 200, label = '' } = {}) {
  const response = await page.goto(url);
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `GET ${url} answered ${response.status()}, expected ${status}`);
  await assertAccessible(page, label || url);
  return response;
}

/**
 * Submits a form by clicking its submit button and waits for the page that answers.
 * Returns that page's response (its status tells a redirect-then-200 from a 422).
 */
export async function submit(page, formLocator) {
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    // The form's own submit button: not a chooser's Find button (name=_find) nor the hidden
    // default button that forms with a chooser start with (templates/chooser.html).
    formLocator.locator('button[type=submit]:not([name=_find]):not([aria-hidden=true])').first().click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Signs in through the login form and checks that the sign-out button appears. */
export async function signIn(page, { email, password } = ADMIN) {
  await visit(page, '/login');
  const form = page.locator('form[action="/login"]');
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  await submit(page, form);
  assert.equal(await page.locator('form[action="/logout"]').count(), 1, `sign-in as ${email} failed: no sign-out button on ${page.url()}`);
}

/** Selects, in `select`, the first option whose text contains `text`; returns its value. */
export async function selectByText(select, text) {
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent ?? '' })));
  const found = options.find((o) => o.text.includes(text) && o.value !== '');
  assert.ok(found, `no option containing "${text}" in the select; options: ${options.map((o) => o.text.trim()).join(' | ')}`);
  await select.selectOption(found.value);
  return found.value;
}

/** The id in a URL path such as /groups/12 or /organisations/3?saved=1. */
export function idFrom(url, prefix) {
  const m = new URL(url).pathname.match(new RegExp(`^/${prefix}/(\\d+)$`));
  assert.ok(m, `expected a /${prefix}/{id} page, got ${url}`);
  return Number(m[1]);
}

const localeCache = new Map();

/**
 * The messages of one language, from locales/<lang>/*.ftl: simple `key = value` lines
 * (enough for the plain strings the tests compare with; placeables are left as written).
 */
export function messages(lang) {
  if (localeCache.has(lang)) return localeCache.get(lang);
  const dir = path.join(here, '..', 'locales', lang);
  const map = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = line.match(/^([a-zA-Z][\w-]*)\s*=\s*(.*)$/);
      if (m && m[2].trim() !== '') map.set(m[1], m[2].trim());
    }
  }
  localeCache.set(lang, map);
  return map;
}

/** One message; fails the test if the key is missing. */
export function t(lang, key) {
  const value = messages(lang).get(key);
  assert.ok(value !== undefined, `no message ${key} in locales/${lang}`);
  return value;
}

/** A suffix that makes names from this run unique (the database outlives one test file). */
export const RUN = `${Date.now().toString(36)}`;
