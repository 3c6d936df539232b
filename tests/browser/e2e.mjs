// Browser end-to-end checks for sipe: playwright-core driving the system
// Chromium, axe-core for accessibility. Plain Node, no test framework.
//
//   BASE_URL=http://127.0.0.1:18080 node tests/browser/e2e.mjs
//
// Env: BASE_URL (required), ADMIN_USER, ADMIN_PASS, OPERATOR_USER,
// OPERATOR_PASS, SCREENSHOT_DIR (optional: full-page PNG of each page),
// CHROMIUM (optional: browser binary, default /usr/bin/chromium).
// Prints one line per check, then "N passed, M failed"; exit 0 only if all pass.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { trainingFlow } from './training.mjs';
import { programmesFlow } from './programmes.mjs';
import { messagingFlow } from './messaging.mjs';
import { appointmentFlow, attentionFlow } from './attention.mjs';
import { phoneFlow } from './phone.mjs';

const env = process.env;
const BASE_URL = (env.BASE_URL || '').replace(/\/+$/, '');
const ADMIN = { user: env.ADMIN_USER || 'admin', pass: env.ADMIN_PASS || 'sipe-demo-admin' };
const OPERATOR = { user: env.OPERATOR_USER || 'operador', pass: env.OPERATOR_PASS || 'sipe-demo-operador' };
const SCREENSHOT_DIR = env.SCREENSHOT_DIR || '';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// ---- reporting -------------------------------------------------------------

let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    const detail = await fn();
    passed++;
    console.log(`PASS ${name}${typeof detail === 'string' ? ` (${detail})` : ''}`);
  } catch (err) {
    failed++;
    const msg = String(err?.message ?? err).split('\n').filter((l) => l.trim()).map((l) => `     ${l}`).join('\n');
    console.log(`FAIL ${name}\n${msg}`);
  }
}

let shotCount = 0;
async function screenshot(page, label) {
  if (!SCREENSHOT_DIR) return;
  const slug = label.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';
  shotCount++;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${String(shotCount).padStart(3, '0')}-${slug}.png`), fullPage: true });
}

/** The page as a reviewer sees it at a phone's width (390 px) too, then back to the desk. */
async function phoneScreenshot(page, label) {
  if (!SCREENSHOT_DIR) return;
  const desk = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await screenshot(page, `${label === '/' ? 'root' : label}-390`);
  } finally {
    await page.setViewportSize(desk);
  }
}

// ---- helpers ---------------------------------------------------------------

const url = (path) => new URL(path, BASE_URL + '/').href;
const pathname = (page) => new URL(page.url()).pathname;

/** Run an action that triggers a document navigation (link, form submit) and wait for the new page to load. */
async function navigateBy(page, action) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await action();
  await navigated;
  await page.waitForLoadState('load');
}

/**
 * Text contrast of every visible control (links, buttons, fields, labels, summaries),
 * computed in the page: the text colour against the effective background, found by
 * walking up to the first opaque background and blending the translucent ones on the
 * way. axe marks such cases only "incomplete", so white text on a white page passed it.
 * Returns the controls below 4.5:1 and how many were measured.
 */
async function lowContrast(page) {
  return page.evaluate(() => {
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c || '');
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a),
      g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a),
      a: 1,
    });
    const luminance = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      const layers = [];
      for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) {
          layers.push(c);
          if (c.a >= 1) break;
        }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg;
    };
    const describe = (el) => {
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text}"`;
    };
    const bad = [];
    let measured = 0;
    const fields = ['INPUT', 'SELECT', 'TEXTAREA'];
    for (const el of document.querySelectorAll('a, button, input, select, textarea, label, summary')) {
      if (el.disabled || ['hidden', 'checkbox', 'radio', 'file', 'color', 'range'].includes(el.type)) continue;
      const s = getComputedStyle(el);
      if (s.visibility !== 'visible' || s.display === 'none' || Number(s.opacity) === 0) continue;
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue; // screen-reader-only text
      const text = fields.includes(el.tagName) ? el.value || el.placeholder || 'x' : (el.innerText || '').trim();
      if (!text) continue;
      const bg = background(el);
      let fg = parse(s.color);
      if (!fg) continue;
      if (fg.a < 1) fg = over(fg, bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      measured++;
      if (ratio < 4.5) bad.push(`${describe(el)} ${ratio.toFixed(2)}:1 (${s.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}))`);
    }
    return { bad, measured };
  });
}

/**
 * Internal names in the visible text: snake_case words (field names, codes such as
 * `travel_radius_km` or `full_time`) and, on Spanish pages, English code values shown
 * as they are stored. Text inside <code>/<pre> (identifiers an admin filters by) and
 * typed values do not count. Returns the offending words.
 */
async function internalNames(page) {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, input, textarea, [hidden]').forEach((e) => e.remove());
    const text = copy.innerText || copy.textContent || '';
    const found = new Set();
    for (const m of text.matchAll(/(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])/g)) found.add(m[0]);
    if (document.documentElement.lang === 'es-AR') {
      const codes = ['unemployed', 'employed', 'inactive', 'hired', 'proposed', 'draft', 'filled',
        'cancelled', 'rejected', 'withdrawn', 'obsolete', 'permanent', 'seasonal', 'temporary', 'system'];
      for (const word of text.split(/[^A-Za-z]+/)) if (codes.includes(word)) found.add(word);
    }
    return [...found];
  });
}

/** Inject axe-core (context has bypassCSP) and assert zero WCAG 2.0/2.1 A/AA violations,
 * then that no visible control's text falls below 4.5:1 contrast. */
async function axeCheck(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
  const lines = violations.map((v) => `${v.id} (${v.impact}, ${v.count} node${v.count === 1 ? '' : 's'}): ${v.help} -> ${v.targets.join(' | ')}`);
  if (violations.length) assert.fail(`${violations.length} axe violation(s) on ${pathname(page)}:\n${lines.join('\n')}`);
  const { bad, measured } = await lowContrast(page);
  contrastMeasured += measured;
  if (bad.length) assert.fail(`${bad.length} control(s) below 4.5:1 contrast on ${pathname(page)}:\n${bad.join('\n')}`);
  const names = await internalNames(page);
  if (names.length) assert.fail(`internal names shown on ${pathname(page)}: ${names.join(', ')}`);
}

/** Controls whose contrast was measured over the run (the check must have looked). */
let contrastMeasured = 0;

/** Fill the login form and submit it; waits for the resulting page. */
async function login(page, { user, pass }) {
  await page.goto(url('/login'));
  await page.fill('#username', user);
  await page.fill('#password', pass);
  await navigateBy(page, () => page.click('[data-testid=login-submit]'));
}

async function newPage(browser) {
  // bypassCSP: the server's `script-src 'self'` would block the inline axe script.
  // locale es-AR: the UI language must not depend on the test machine's locale.
  const context = await browser.newContext({ bypassCSP: true, locale: 'es-AR', viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context.newPage();
}

/** GET a path; check the HTTP status and a non-empty <h1>, then run axe on it (two reported checks). */
async function visit(page, path, { status = 200, label = path } = {}) {
  let loaded = false;
  await check(`GET ${path} -> ${status} with <h1>`, async () => {
    const res = await page.goto(url(path));
    loaded = true;
    await screenshot(page, label);
    await phoneScreenshot(page, label);
    assert.equal(res?.status(), status, `GET ${path}: HTTP status`);
    const h1 = page.locator('h1');
    assert.ok((await h1.count()) > 0, `${path}: no <h1>`);
    const text = (await h1.first().innerText()).trim();
    assert.ok(text.length > 0, `${path}: <h1> is empty`);
    return `h1: ${JSON.stringify(text)}`;
  });
  await check(`axe ${path}`, async () => {
    assert.ok(loaded, 'skipped: page did not load');
    await axeCheck(page);
  });
}

// ---- the run ---------------------------------------------------------------

const ADMIN_SCREENS = [
  { path: '/' },
  { path: '/offices', detail: '[data-testid=offices-table] tbody a', phone: true },
  { path: '/offices/new' },
  { path: '/territories', detail: '[data-testid=territories-table] tbody a' },
  { path: '/persons' },
  { path: '/persons/new' },
  { path: '/admin/users', detail: '[data-testid=users-table] tbody a' },
  { path: '/admin/users/new' },
  { path: '/admin/roles' },
  { path: '/admin/audit' },
  { path: '/admin/jobs' },
  { path: '/admin/skills' },
  { path: '/admin/occupation-titles?q=moz' },
  { path: '/occupations/uncoded' },
  { path: '/occupations?q=albanil' },
  { path: '/persons/duplicates' },
  { path: '/persons/transfers' },
  { path: '/employers', detail: '[data-testid=employers-table] tbody a', phone: true },
  { path: '/employers/new' },
  { path: '/vacancies', detail: '[data-testid=vacancies-table] tbody a', phone: true },
  { path: '/vacancies/new' },
  { path: '/referrals', detail: '[data-testid=referrals-table] tbody a', phone: true },
  { path: '/follow-ups', phone: true },
  { path: '/indicators/intermediation', phone: true },
  { path: '/account' },
  { path: '/account/tokens' },
];

async function run(browser) {
  // --- admin session ---
  const page = await newPage(browser);

  await check('a. /login: lang=es-AR, login form, submit button', async () => {
    const res = await page.goto(url('/login'));
    assert.equal(res?.status(), 200, `GET /login: HTTP ${res?.status()}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'es-AR');
    const form = page.locator('form:has(#username):has(#password)');
    assert.equal(await form.count(), 1, 'expected one form containing #username and #password');
    const submit = form.locator('[data-testid=login-submit]');
    assert.equal(await submit.count(), 1, 'no [data-testid=login-submit] inside the login form');
    assert.equal(await submit.evaluate((el) => el.type), 'submit', 'login-submit is not a submit control');
    assert.equal(await page.getAttribute('#password', 'type'), 'password');
    await screenshot(page, 'login');
  });
  await check('a. axe /login', () => axeCheck(page));
  await check('a. the contrast check catches white text on a white page (positive control)', async () => {
    await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.id = 'contrast-probe';
      probe.className = 'link';
      probe.textContent = 'Derivar';
      probe.style.cssText = 'color: #fff; background: transparent; border: 0';
      document.body.appendChild(probe);
    });
    const { bad } = await lowContrast(page);
    await page.evaluate(() => document.getElementById('contrast-probe').remove());
    assert.ok(bad.some((line) => line.includes('#contrast-probe')), `probe not caught: ${bad.join('; ')}`);
    const clean = await lowContrast(page);
    assert.equal(clean.bad.length, 0, clean.bad.join('; '));
    assert.ok(clean.measured >= 3, `only ${clean.measured} controls measured on /login`);
    return `${clean.measured} controls measured`;
  });
  await check('a. the internal-names check catches a field name and a code (positive control)', async () => {
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.id = 'names-probe';
      probe.textContent = 'Cambios: travel_radius_km, estado hired';
      document.body.appendChild(probe);
    });
    const found = await internalNames(page);
    await page.evaluate(() => document.getElementById('names-probe').remove());
    assert.deepEqual(found.sort(), ['hired', 'travel_radius_km']);
    assert.deepEqual(await internalNames(page), []);
  });

  await check('b. wrong password shows flash-error and stays on /login', async () => {
    await login(page, { user: ADMIN.user, pass: `${ADMIN.pass}-wrong` });
    assert.equal(pathname(page), '/login');
    await page.locator('[data-testid=flash-error]').first().waitFor({ state: 'visible' });
    await screenshot(page, 'login-error');
  });

  await check(`c. admin (${ADMIN.user}) logs in: main nav and dashboard`, async () => {
    await login(page, ADMIN);
    assert.notEqual(pathname(page), '/login', 'still on /login after admin login');
    await page.locator('nav[data-testid=main-nav]').waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-testid=dashboard]').count(), 1, 'no [data-testid=dashboard]');
  });

  await check('d. language switch es-AR -> en -> es-AR', async () => {
    await navigateBy(page, () => page.click('[data-testid=lang-en]'));
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'after lang-en');
    await screenshot(page, 'lang-en');
    await navigateBy(page, () => page.click('[data-testid=lang-es]'));
    assert.equal(await page.getAttribute('html', 'lang'), 'es-AR', 'after lang-es');
  });

  for (const screen of ADMIN_SCREENS) {
    await visit(page, screen.path);
    if (screen.phone) {
      await check(`e. ${screen.path} at 375x740: no horizontal scroll`, async () => {
        await page.setViewportSize({ width: 375, height: 740 });
        try {
          await page.goto(url(screen.path));
          await screenshot(page, `${screen.path}-phone`);
          const { sw, cw } = await page.evaluate(() => ({
            sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
          }));
          assert.ok(sw <= cw + 1, `scrollWidth ${sw} > clientWidth ${cw} + 1`);
        } finally {
          await page.setViewportSize({ width: 1280, height: 800 });
        }
      });
    }
    if (screen.detail) {
      let href = null;
      await check(`e. ${screen.path} lists a detail link (${screen.detail})`, async () => {
        await page.goto(url(screen.path));
        const link = page.locator(screen.detail).first();
        assert.ok((await link.count()) > 0, `no link matches ${screen.detail} (demo data missing?)`);
        const target = new URL(await link.getAttribute('href'), page.url());
        assert.equal(target.origin, new URL(BASE_URL).origin, `detail link leaves the site: ${target}`);
        href = target.pathname + target.search;
        return href;
      });
      if (href) await visit(page, href);
    }
  }

  await check('e2. the merge screen shows both records in full, with the evidence and named confirmation', async () => {
    // A coordinator who recognises someone registered twice puts the pair in the queue
    // from the person's page with the other record's document.
    await page.goto(url('/persons'));
    const people = await page.locator('[data-testid=persons-table] tbody a[href^="/persons/"]').evaluateAll(
      (links) => [...new Set(links.map((a) => a.getAttribute('href')).filter((h) => /^\/persons\/[0-9a-f-]{36}$/.test(h)))],
    );
    assert.ok(people.length >= 2, 'the demo lists people');
    await page.goto(url(people[1]));
    const doc = (await page.locator('dl.facts dd').first().textContent()).replace(/\D/g, '');
    assert.ok(doc.length >= 7, `a document: ${doc}`);
    await page.goto(url(people[0]));
    await page.click('[data-testid=duplicate-add] summary');
    await page.fill('[data-testid=duplicate-add-doc]', doc);
    await navigateBy(page, () => page.click('[data-testid=duplicate-add-submit]'));
    assert.match(pathname(page), /^\/persons\/duplicates\/[0-9a-f-]{36}$/);
    assert.match(await page.textContent('[data-testid=merge-reason]'), /Motivo: .+ · Evidencia \(0 a 100\) \d+/);
    const table = await page.textContent('[data-testid=merge-table]');
    for (const label of ['Fecha de nacimiento', 'CUIL', 'Sexo registral', 'Documento', 'Apellidos']) {
      assert.ok(table.includes(label), `merge table lacks ${label}`);
    }
    const confirm = await page.getAttribute('form.merge', 'data-confirm');
    assert.match(confirm, /^¿Unir los registros de .+ \(\d+\) y .+ \(\d+\)\?/);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      const fit = await page.evaluate(() => {
        const cells = [...document.querySelectorAll('[data-testid=merge-table] thead th')];
        const right = Math.max(...cells.map((c) => c.getBoundingClientRect().right));
        return { overflow: document.documentElement.scrollWidth - window.innerWidth, right, vw: window.innerWidth };
      });
      assert.ok(fit.overflow <= 0 && fit.right <= fit.vw, `the second record is cut at ${width}px: ${JSON.stringify(fit)}`);
      await screenshot(page, `coordinator-merge-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await axeCheck(page);
  });

  await visit(page, '/no-such-page', { status: 404, label: '404' });

  await check('g. logout lands on /login; /admin/users then redirects to /login', async () => {
    await page.goto(url('/'));
    await navigateBy(page, () => page.click('[data-testid=logout]'));
    assert.equal(pathname(page), '/login', 'after logout');
    const res = await page.goto(url('/admin/users'));
    assert.equal(pathname(page), '/login', 'GET /admin/users after logout did not end on /login');
    assert.ok(res?.request().redirectedFrom(), 'expected an HTTP redirect to /login');
  });
  await page.context().close();

  // --- operator session ---
  const op = await newPage(browser);
  await check(`h. operator (${OPERATOR.user}) logs in; nav hides admin links; /admin/users is 403/404`, async () => {
    await login(op, OPERATOR);
    assert.notEqual(pathname(op), '/login', 'still on /login after operator login');
    const nav = op.locator('nav[data-testid=main-nav]');
    await nav.waitFor({ state: 'visible' });
    await screenshot(op, 'operator-home');
    for (const href of ['/admin/users', '/admin/audit']) {
      assert.equal(await nav.locator(`a[href="${href}"]`).count(), 0, `operator nav links to ${href}`);
    }
    const res = await op.goto(url('/admin/users'));
    assert.ok([403, 404].includes(res?.status()), `GET /admin/users as operator: HTTP ${res?.status()}`);
    await screenshot(op, 'operator-admin-users');
  });

  await check('h2. from any page the header box finds people by the beginning of a name', async () => {
    await op.goto(url('/vacancies'));
    await op.fill('[data-testid=top-search]', 'gonz');
    await navigateBy(op, () => op.press('[data-testid=top-search]', 'Enter'));
    assert.equal(pathname(op), '/persons');
    const rows = await op.locator('table tbody tr').count();
    assert.ok(rows > 0, 'no one found by "gonz"');
    assert.equal(await op.evaluate(() => document.activeElement?.id), 'q', 'the search box has the focus');
    await phoneScreenshot(op, 'operator-header-search');
    return `${rows} rows`;
  });

  // --- operator registers a person: search first, register, duplicate warning, timeline ---
  const dni = String(30000000 + Math.floor(Math.random() * 9000000));
  let personPath = null;
  const fillPerson = async (doc, surnames, names) => {
    await op.fill('#doc_number', doc);
    await op.fill('#surnames', surnames);
    await op.fill('#names', names);
    await op.fill('#birth_date', '1990-05-01');
    await op.selectOption('#sex', 'M');
    await op.selectOption('#department_code', 'AR-90084');
  };
  await check('i0. a registration sent back focuses its first invalid field, labelled above and tied to its message', async () => {
    for (const width of [1280, 390]) {
      await op.setViewportSize({ width, height: 844 });
      await op.goto(url('/persons/new'));
      await navigateBy(op, () => op.click('[data-testid=person-save]'));
      const focus = await op.evaluate(() => {
        const el = document.activeElement;
        const ids = (el?.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        return {
          name: el?.getAttribute('name'),
          invalid: el?.getAttribute('aria-invalid'),
          messages: ids.map((id) => document.getElementById(id)?.innerText?.trim() || ''),
        };
      });
      assert.equal(focus.invalid, 'true', `${width}px: focus on ${focus.name}, not an invalid field`);
      assert.ok(focus.messages.some((m) => m.length > 0), `${width}px: ${focus.name} is described by no message`);
      const misplaced = await op.evaluate(() => [...document.querySelectorAll('form .field:not(.check) > label[for]')]
        .filter((label) => {
          const field = document.getElementById(label.htmlFor);
          return field && label.getBoundingClientRect().bottom > field.getBoundingClientRect().top + 1;
        })
        .map((label) => label.htmlFor));
      assert.deepEqual(misplaced, [], `${width}px: labels not above their fields`);
      await screenshot(op, `operator-registration-errors-${width}`);
    }
    await op.setViewportSize({ width: 1280, height: 800 });
    return 'focus on the document number at desk and phone widths';
  });

  await check('i. operator searches, then registers a person and sees the timeline', async () => {
    await visit(op, `/persons?q=${dni}`);
    await navigateBy(op, () => op.click('[data-testid=person-new]'));
    assert.equal(await op.inputValue('#doc_number'), dni, 'searched DNI carried into the form');
    await fillPerson(dni, 'Anzoátegui', 'Zoilo');
    await navigateBy(op, () => op.click('[data-testid=person-save]'));
    assert.match(pathname(op), /^\/persons\/[0-9a-f-]{36}$/);
    assert.equal((await op.textContent('[data-testid=person-name]')).trim(), 'Zoilo Anzoátegui');
    assert.match(await op.textContent('[data-testid=timeline]'), /Registro en/);
    personPath = pathname(op);
    await axeCheck(op);
    await screenshot(op, 'operator-person');
  });
  await check('j. a similar person gets a duplicate warning before saving', async () => {
    await visit(op, '/persons/new');
    await fillPerson(String(Number(dni) + 1), 'Anzoategi', 'Zoilo');
    await navigateBy(op, () => op.click('[data-testid=person-save]'));
    await op.locator('[data-testid=possible-duplicates]').waitFor({ state: 'visible' });
    assert.match(await op.textContent('[data-testid=possible-duplicates]'), /Zoilo Anzoátegui/);
    await axeCheck(op);
    await screenshot(op, 'operator-duplicates');
    await op.check('[data-testid=confirm-duplicates]');
    await navigateBy(op, () => op.click('[data-testid=person-save]'));
    assert.match(pathname(op), /^\/persons\/[0-9a-f-]{36}$/);
  });
  await check('k. search finds names in any order, without accents and with a typo', async () => {
    await visit(op, '/persons?q=zoilo%20anzoategi');
    const found = await op.locator('[data-testid=persons-table] tbody').textContent();
    assert.match(found, /Zoilo Anzoátegui/, 'no "Zoilo Anzoátegui" for the query "zoilo anzoategi"');
    await op.setViewportSize({ width: 375, height: 740 });
    await visit(op, '/persons?q=gonzalez%20juan');
    assert.ok((await op.locator('[data-testid=persons-table] tbody tr').count()) > 0, 'demo people are searchable');
    const overflow = await op.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `horizontal scroll on a phone: ${overflow}px`);
    await screenshot(op, 'operator-search-phone');
  });
  await check('l. an interview with a type-ahead occupation lands on the timeline (phone-sized)', async () => {
    assert.ok(personPath, 'skipped: no person registered');
    await op.setViewportSize({ width: 375, height: 740 });
    await op.goto(url(personPath));
    await navigateBy(op, () => op.click('[data-testid=interview-new]'));
    await op.selectOption('[data-testid=interview-situation]', 'unemployed');
    await op.locator('[data-testid=interview-desired-1]').pressSequentially('albanil', { delay: 20 });
    await op.waitForFunction(() => document.querySelectorAll('#desired-options-1 option').length > 0);
    const first = await op.locator('#desired-options-1 option').first().getAttribute('value');
    assert.match(first, /albañil/i, `type-ahead offered ${first}`);
    await op.fill('[data-testid=interview-desired-1]', first);
    await op.selectOption('[data-testid=interview-hours]', 'part_time');
    await op.fill('[data-testid=interview-notes]', 'Busca trabajo de mañana, cerca de su casa.');
    await axeCheck(op);
    await screenshot(op, 'operator-interview-form');
    const overflow = await op.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `horizontal scroll on a phone: ${overflow}px`);
    await navigateBy(op, () => op.click('[data-testid=interview-save]'));
    assert.match(pathname(op), /\/interviews\/[0-9a-f-]{36}$/);
    assert.match(await op.textContent('[data-testid=interview]'), /Media jornada/);
    await op.goto(url(personPath));
    assert.match(await op.textContent('[data-testid=timeline]'), /Entrevista: desocupada/);
    assert.match(await op.textContent('[data-testid=profile]'), /albañil/i);
    await axeCheck(op);
    await screenshot(op, 'operator-person-after-interview');
    await op.setViewportSize({ width: 1280, height: 800 });
  });
  await check('m. the operator adds work experience from the profile', async () => {
    assert.ok(personPath, 'skipped: no person registered');
    await op.goto(url(personPath));
    await navigateBy(op, () => op.click('[data-testid=item-add-work]'));
    await op.fill('[data-testid=item-occupation]', 'trabajador de la cosecha');
    await op.fill('#employer', 'Citrícola San Miguel');
    await op.fill('#from_date', '2020-05-01');
    await axeCheck(op);
    await navigateBy(op, () => op.click('[data-testid=item-save]'));
    assert.equal(pathname(op), personPath);
    assert.match(await op.textContent('[data-testid=profile]'), /Citrícola San Miguel/);
  });
  await check('m2. the operator prints the person a registration certificate with the CV', async () => {
    assert.ok(personPath, 'skipped: no person registered');
    await op.goto(url(personPath));
    await navigateBy(op, () => op.click('[data-testid=person-certificate]'));
    assert.match(await op.textContent('h1'), /Constancia de inscripción/);
    assert.match(await op.textContent('[data-testid=certificate-work]'), /Citrícola San Miguel/);
    await axeCheck(op);
    await op.emulateMedia({ media: 'print' });
    try {
      const toolbar = await op.evaluate(() => getComputedStyle(document.querySelector('.toolbar')).display);
      assert.equal(toolbar, 'none', 'the toolbar prints');
      await screenshot(op, 'operator-certificate-print');
    } finally {
      await op.emulateMedia({ media: 'screen' });
    }
  });
  let employer = null;
  await check('n. the operator registers an employer; the same CUIT again links to it', async () => {
    await visit(op, '/employers');
    await navigateBy(op, () => op.click('[data-testid=employer-new]'));
    await op.fill('[data-testid=employer-cuit]', '30-71234567-1');
    await op.fill('[data-testid=employer-legal-name]', 'Panificadora Barrio Sur S.R.L.');
    await op.fill('[data-testid=employer-activity]', '10 — Elaboración de productos alimenticios');
    await op.selectOption('#size_band', 'small');
    await op.selectOption('#territory_code', 'AR-90084');
    await axeCheck(op);
    await navigateBy(op, () => op.click('[data-testid=employer-save]'));
    assert.match(pathname(op), /^\/employers\/[0-9a-f-]{36}$/);
    const employerPath = pathname(op);
    assert.equal((await op.textContent('[data-testid=employer-cuit]')).trim(), '30712345671');
    await op.click('summary:has-text("Agregar contacto")');
    await op.fill('[data-testid=contact-name]', 'Rosa Quiroga');
    await op.fill('#contact-phone', '381 15 544 2347');
    await navigateBy(op, () => op.click('[data-testid=contact-save]'));
    assert.match(await op.textContent('[data-testid=employer-contacts]'), /Rosa Quiroga/);
    await op.click('summary:has-text("Agregar establecimiento")');
    await navigateBy(op, () => op.click('[data-testid=site-save]'));
    assert.match(await op.textContent('.field-error'), /obligatorio|requerido|Completá/i);
    await op.fill('[data-testid=site-name]', 'Sucursal Yerba Buena');
    await op.selectOption('[data-testid=site-territory]', 'AR-90119');
    await navigateBy(op, () => op.click('[data-testid=site-save]'));
    assert.match(await op.textContent('[data-testid=employer-sites]'), /Sucursal Yerba Buena[\s\S]*Yerba Buena/);
    await axeCheck(op);
    await screenshot(op, 'operator-employer');
    await visit(op, '/employers/new');
    await op.fill('[data-testid=employer-cuit]', '30712345671');
    await op.fill('[data-testid=employer-legal-name]', 'Otra razón social');
    await navigateBy(op, () => op.click('[data-testid=employer-save]'));
    assert.match(await op.textContent('[data-testid=flash-error]'), /Abrir el empleador existente/);
    assert.equal(await op.getAttribute('[data-testid=existing-employer]', 'href'), employerPath);
    employer = employerPath;
  });
  let vacancyPath = null;
  await check('o. the operator registers a vacancy for that employer and opens it', async () => {
    assert.ok(employer, 'skipped: no employer registered');
    await op.goto(url(employer));
    await navigateBy(op, () => op.click('[data-testid=employer-vacancy-new]'));
    await op.fill('[data-testid=vacancy-title]', 'Panadero de turno mañana');
    await op.fill('[data-testid=vacancy-occupation]', 'albañil');
    await op.fill('#positions', '2');
    await op.selectOption('#contract_type', 'permanent');
    await op.fill('#salary_min', '700000');
    await axeCheck(op);
    await navigateBy(op, () => op.click('[data-testid=vacancy-save]'));
    assert.match(pathname(op), /^\/vacancies\/[0-9a-f-]{36}$/);
    assert.equal((await op.textContent('[data-testid=vacancy-state]')).trim(), 'Borrador');
    await op.selectOption('[data-testid=vacancy-next-state]', 'open');
    await navigateBy(op, () => op.click('[data-testid=vacancy-state-save]'));
    assert.equal((await op.textContent('[data-testid=vacancy-state]')).trim(), 'Abierta');
    assert.match(await op.textContent('[data-testid=vacancy-history]'), /Borrador → Abierta/);
    await axeCheck(op);
    await screenshot(op, 'operator-vacancy');
    vacancyPath = pathname(op);
  });
  await check('p. matching ranks demo candidates with their factors and gaps', async () => {
    await visit(op, '/vacancies?q=albanil&state=open');
    const link = op.locator('[data-testid=vacancies-table] tbody a').first();
    assert.ok((await link.count()) > 0, 'a demo vacancy of the operator\'s office');
    await navigateBy(op, () => link.click());
    await navigateBy(op, () => op.click('[data-testid=vacancy-candidates]'));
    assert.match(pathname(op), /\/candidates$/);
    const rows = op.locator('[data-testid=candidates-table] tbody tr');
    assert.ok((await rows.count()) > 0, 'demo people in the operator\'s scope are ranked');
    const header = await op.textContent('[data-testid=candidates-table] thead');
    assert.match(header, /Puntaje/);
    assert.match(header, /Resumen/);
    // Every candidate reads in plain words; factors the vacancy does not ask are "No se
    // pide", not 100 %; a score shared with a neighbour shows what broke the tie.
    const summaries = await op.locator('[data-testid=candidate-summary]').allTextContents();
    assert.equal(summaries.length, await rows.count());
    assert.ok(summaries.every((t) => /Cumple|Le falta/.test(t)), summaries.slice(0, 3).join(' | '));
    assert.match(await op.textContent('[data-testid=candidates-table] tbody'), /No se pide/);
    const scores = await op.locator('[data-testid=candidate-score]').allTextContents();
    const tiedRows = scores.filter((s, i) => s === scores[i - 1] || s === scores[i + 1]).length;
    assert.equal(await op.locator('[data-testid=candidate-tie]').count(), tiedRows, 'each tied score shows its tie-break');
    // It fits a desk and a phone without sideways scrolling.
    for (const width of [1280, 390]) {
      await op.setViewportSize({ width, height: 844 });
      const overflow = await op.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `candidates scroll sideways by ${overflow}px at ${width}px`);
    }
    await op.setViewportSize({ width: 1280, height: 800 });
    await op.selectOption('#reach', 'department');
    await navigateBy(op, () => op.click('[data-testid=candidates-search]'));
    assert.match(op.url(), /reach=department/);
    await axeCheck(op);
    await screenshot(op, 'operator-candidates');
  });
  await check('r. the operator refers three candidates, records an interview and a hire', async () => {
    assert.ok(vacancyPath, 'skipped: no vacancy registered');
    const referrals = [];
    for (let n = 0; n < 3; n++) {
      await op.goto(url(`${vacancyPath}/candidates`));
      const refer = op.locator('[data-testid^=refer-]').first();
      assert.ok((await refer.count()) > 0, `a candidate left to refer (${n + 1})`);
      await navigateBy(op, () => refer.click());
      assert.match(pathname(op), /^\/referrals\/[0-9a-f-]{36}$/);
      referrals.push(pathname(op));
    }
    await op.goto(url(referrals[0]));
    await op.selectOption('[data-testid=referral-to]', 'sent');
    await navigateBy(op, () => op.click('[data-testid=referral-move]'));
    await op.selectOption('[data-testid=referral-to]', 'interview_scheduled');
    await op.fill('#interview_at', '2026-12-01T09:30');
    await navigateBy(op, () => op.click('[data-testid=referral-move]'));
    assert.match(await op.textContent('[data-testid=referral-state]'), /Entrevista agendada/);
    await op.selectOption('[data-testid=referral-to]', 'hired');
    await op.fill('[data-testid=referral-start]', '2026-12-15');
    await axeCheck(op);
    await navigateBy(op, () => op.click('[data-testid=referral-move]'));
    assert.match(await op.textContent('[data-testid=referral-state]'), /Contratada/);
    assert.match(await op.textContent('[data-testid=placement]'), /15\/03\/2027/);
    await screenshot(op, 'operator-hire');
    await navigateBy(op, () => op.click('[data-testid=referral-letter]'));
    assert.match(await op.textContent('h1'), /Carta de presentación/);
    // Printed: its stylesheet applies (the CSP blocks inline styles), the toolbar is
    // gone, the two signature blocks sit side by side, and the short code is there.
    assert.match(await op.textContent('[data-testid=letter-code]'), /^[A-Z0-9-]+-\d{4}-\d{5}$/);
    await op.emulateMedia({ media: 'print' });
    try {
      const printed = await op.evaluate(() => {
        const toolbar = document.querySelector('.toolbar');
        const [office, employer] = [...document.querySelectorAll('.signature')].map((s) => s.getBoundingClientRect());
        return {
          toolbar: toolbar ? getComputedStyle(toolbar).display : 'missing',
          side: office && employer && Math.abs(office.top - employer.top) < 2 && employer.left > office.right,
          ruled: office ? getComputedStyle(document.querySelector('.signature')).borderTopStyle : 'missing',
        };
      });
      assert.equal(printed.toolbar, 'none', 'the toolbar prints');
      assert.ok(printed.side, 'the signature blocks are not side by side');
      assert.equal(printed.ruled, 'solid', 'no signature line');
      await screenshot(op, 'operator-letter-print');
    } finally {
      await op.emulateMedia({ media: 'screen' });
    }
    await op.goto(url(vacancyPath));
    const listed = await op.textContent('[data-testid=vacancy-referrals]');
    assert.match(listed, /Contratada/);
    assert.equal((listed.match(/Propuesta/g) || []).length, 2);
    assert.equal((await op.textContent('[data-testid=vacancy-state]')).trim(), 'Abierta', 'one of two positions taken');
  });
  await check('q. a ranked person gets suggested vacancies with factors', async () => {
    await visit(op, '/vacancies?q=albanil&state=open');
    await navigateBy(op, () => op.locator('[data-testid=vacancies-table] tbody a').first().click());
    await navigateBy(op, () => op.click('[data-testid=vacancy-candidates]'));
    const person = op.locator('[data-testid=candidates-table] tbody a').first();
    assert.ok((await person.count()) > 0, 'a ranked candidate');
    await navigateBy(op, () => person.click());
    await navigateBy(op, () => op.click('[data-testid=person-vacancies]'));
    assert.match(pathname(op), /\/persons\/[0-9a-f-]{36}\/vacancies$/);
    assert.match(await op.textContent('[data-testid=person-vacancies-table]'), /Albañil/);
    await axeCheck(op);
    const apply = op.locator('[data-testid^=apply-]').first();
    assert.ok((await apply.count()) > 0, 'a suggested vacancy to apply to');
    await navigateBy(op, () => apply.click());
    assert.match(pathname(op), /^\/referrals\/[0-9a-f-]{36}$/);
    assert.match(await op.textContent('[data-testid=referral-origin]'), /Postulación de la persona/);
  });
  await op.context().close();

  const training = await trainingFlow(browser, { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot });
  if (env.CODES_FILE) writeFileSync(env.CODES_FILE, JSON.stringify(training));
  await programmesFlow(browser, { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot });
  await messagingFlow(browser, { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot });
  await attentionFlow(browser, { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot });
  await appointmentFlow(browser, { check, visit, newPage, login, pathname, navigateBy, axeCheck, screenshot });
  await phoneFlow(browser, { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot });

  await check('z. the contrast check measured the controls of every page visited', async () => {
    assert.ok(contrastMeasured > 1000, `only ${contrastMeasured} controls measured`);
    return `${contrastMeasured} controls`;
  });
}

async function main() {
  if (!BASE_URL) {
    console.error('BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:18080)');
    process.exit(2);
  }
  if (SCREENSHOT_DIR) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let browser = null;
  await check('launch chromium', async () => {
    browser = await chromium.launch({ executablePath: env.CHROMIUM || '/usr/bin/chromium', args: LAUNCH_ARGS });
  });
  try {
    if (browser) await run(browser);
  } catch (err) {
    failed++;
    console.log(`FAIL unexpected error: ${err?.stack ?? err}`);
  } finally {
    await browser?.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
