// The training flow in the browser: a training manager creates a course and a cohort,
// enrols three people (the third waits), takes attendance on a phone-sized screen,
// grades, finishes the cohort and gets the certificates; a visitor who is not logged in
// verifies one; it is revoked and shows revoked; an accredited evaluator assesses a
// person against a competency standard. Called from e2e.mjs with its helpers.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

const TRAINING = { user: 'formacion', pass: 'sipe-demo-formacion' };

const iso = (d) => d.toISOString().slice(0, 10);

export async function trainingFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const tm = await newPage(browser);
  // Finishing a cohort asks first (a confirm dialog): the manager says yes.
  const asked = [];
  tm.on('dialog', (d) => {
    asked.push(d.message());
    d.accept();
  });
  await login(tm, TRAINING);
  for (const path of ['/training/cohorts', '/training/courses', '/training/institutions', '/training/certificates', '/verificar']) {
    await visit(tm, path);
  }
  let cohortPath = '';
  const codes = [];
  await check('t1. a training manager creates a course with the skills it teaches', async () => {
    await tm.goto(url('/training/courses/new'));
    await tm.fill('[data-testid=course-name]', 'Instalaciones solares (e2e)');
    await tm.fill('[data-testid=course-family]', 'Energía');
    await tm.fill('[data-testid=course-skills]', 'electricidad domiciliaria');
    await tm.fill('[data-testid=course-hours]', '60');
    await tm.fill('#min_age', '');
    await navigateBy(tm, () => tm.click('[data-testid=course-save]'));
    assert.match(pathname(tm), /^\/training\/courses\/[0-9a-f-]{36}$/, 'on the course page');
    assert.match(await tm.textContent('[data-testid=course-facts]'), /electricidad domiciliaria/);
    await axeCheck(tm);
  });
  await check('t2. a cohort of two places opens for enrolment', async () => {
    await navigateBy(tm, () => tm.click('[data-testid=course-new-cohort]'));
    await axeCheck(tm);
    const today = new Date();
    await tm.selectOption('[data-testid=cohort-institution]', { index: 1 });
    await tm.selectOption('#office_code', 'OE-CAP-01');
    // Over yesterday: a cohort is finished from its last day on.
    await tm.fill('[data-testid=cohort-starts]', iso(new Date(today.getTime() - 30 * 86400e3)));
    await tm.fill('[data-testid=cohort-ends]', iso(new Date(today.getTime() - 1 * 86400e3)));
    for (const d of [1, 2, 3, 4, 5]) await tm.check(`#weekdays-${d}`);
    await tm.fill('[data-testid=cohort-capacity]', '2');
    await navigateBy(tm, () => tm.click('[data-testid=cohort-save]'));
    assert.match(pathname(tm), /^\/training\/cohorts\/[0-9a-f-]{36}$/, 'on the cohort page');
    cohortPath = pathname(tm);
    await tm.selectOption('[data-testid=cohort-to]', 'enrolling');
    await navigateBy(tm, () => tm.click('[data-testid=cohort-move]'));
    assert.match(await tm.textContent('[data-testid=cohort-state]'), /Inscripción abierta/);
    await screenshot(tm, 'training-cohort-enrolling');
  });
  await check('t3. three people enrolled by document: the third goes to the waiting list', async () => {
    // Documents of demo people, from a demo cohort's roster.
    await tm.goto(url('/training/cohorts?state=running'));
    await navigateBy(tm, () => tm.locator('[data-testid=cohorts-table] tbody a').first().click());
    const docs = await tm.locator('[data-testid=roster] tbody tr td:nth-child(2)').allTextContents();
    assert.ok(docs.length >= 3, `only ${docs.length} people in the demo roster`);
    await tm.goto(url(cohortPath));
    const flashes = [];
    for (const doc of docs.slice(0, 3)) {
      await tm.fill('[data-testid=enrol-document]', doc.trim());
      await navigateBy(tm, () => tm.click('[data-testid=enrol-submit]'));
      flashes.push((await tm.textContent('[data-testid=flash-success]')).trim());
    }
    assert.match(flashes[0], /inscripta/);
    assert.match(flashes[2], /lista de espera/, flashes.join(' | '));
    const states = await tm.locator('[data-testid=roster-state]').allTextContents();
    assert.deepEqual(states.map((s) => s.trim()), ['Con vacante', 'Con vacante', 'En lista de espera']);
    await axeCheck(tm);
  });
  await check('t4. attendance taken on a phone: toggles for each person, saved at once', async () => {
    await tm.selectOption('[data-testid=cohort-to]', 'running');
    await navigateBy(tm, () => tm.click('[data-testid=cohort-move]'));
    await tm.setViewportSize({ width: 390, height: 844 });
    try {
      await navigateBy(tm, () => tm.locator('[data-testid=sessions] a').first().click());
      assert.match(pathname(tm), /^\/training\/sessions\/[0-9a-f-]{36}\/attendance$/);
      const rows = tm.locator('[data-testid=attendance-row]');
      assert.equal(await rows.count(), 2, 'the two in a place, not the one waiting');
      await rows.nth(1).locator('[data-testid=mark-absent]').check();
      await rows.nth(1).locator('[data-testid=mark-present]').check();
      const toggle = await rows.nth(0).locator('label.toggle').first().boundingBox();
      assert.ok(toggle && toggle.height >= 44, `toggles are touch-sized (${toggle?.height})`);
      await screenshot(tm, 'training-attendance-390');
      await axeCheck(tm);
      await navigateBy(tm, () => tm.click('[data-testid=attendance-save]'));
      assert.match(await tm.textContent('[data-testid=flash-success]'), /asistencia/);
    } finally {
      await tm.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await check('t5. grades, then finishing issues a certificate to each who completed', async () => {
    await tm.goto(url(cohortPath));
    const grades = tm.locator('[data-testid=outcome-grade]');
    assert.equal(await grades.count(), 2);
    await grades.nth(0).fill('8');
    await grades.nth(1).fill('9,5');
    await navigateBy(tm, () => tm.click('[data-testid=outcomes-save]'));
    await tm.selectOption('[data-testid=cohort-to]', 'finished');
    await navigateBy(tm, () => tm.click('[data-testid=cohort-move]'));
    assert.match(await tm.textContent('[data-testid=cohort-state]'), /Finalizada/);
    assert.ok(asked.some((m) => /No se puede deshacer/.test(m)), `finishing asked first: ${asked}`);
    const links = await tm.locator('[data-testid=certificate-link]').allTextContents();
    assert.equal(links.length, 2, 'two certificates');
    codes.push(...links.map((c) => c.trim()));
    const states = await tm.locator('[data-testid=roster-state]').allTextContents();
    assert.ok(states.some((s) => /No obtuvo vacante/.test(s)), `the one waiting leaves: ${states}`);
    // The digital credential downloads as a .jwt file: a compact JWS (PyJWT checks it).
    const [download] = await Promise.all([
      tm.waitForEvent('download'),
      tm.locator('[data-testid=certificate-credential]').first().click(),
    ]);
    assert.match(download.suggestedFilename(), /^credencial-[0-9A-Z]{20}\.jwt$/);
    const jwt = (await fs.readFile(await download.path(), 'utf8')).trim();
    assert.equal(jwt.split('.').length, 3, 'header.payload.signature');
    await screenshot(tm, 'training-cohort-finished');
    await axeCheck(tm);
  });
  await check('t6. the certificate verifies from its printed address, logged out, on a phone', async () => {
    const anon = await newPage(browser);
    try {
      await anon.setViewportSize({ width: 390, height: 844 });
      const res = await anon.goto(url(`/verificar/${codes[0]}`));
      assert.equal(res?.status(), 200);
      assert.match(await anon.textContent('[data-testid=verify-status]'), /Certificado válido/);
      assert.match(await anon.textContent('[data-testid=verify-document]'), /\*\*\*\*/, 'document masked');
      await screenshot(anon, 'training-verify-390');
      await axeCheck(anon);
    } finally {
      await anon.context().close();
    }
  });
  await check('t7. a revoked certificate shows revoked, with the date', async () => {
    await tm.goto(url(cohortPath));
    await tm.locator('[data-testid=revoke-reason]').first().fill('Emitido por error');
    await navigateBy(tm, () => tm.locator('[data-testid=revoke]').first().click());
    assert.match(await tm.textContent('[data-testid=flash-success]'), /revocado/);
    const anon = await newPage(browser);
    try {
      await anon.goto(url(`/verificar/${codes[0]}`));
      assert.match(await anon.textContent('[data-testid=verify-status]'), /revocado el \d\d\/\d\d\/\d{4}/);
      await anon.goto(url(`/verificar/${codes[1]}`));
      assert.match(await anon.textContent('[data-testid=verify-status]'), /válido/, 'the other stays valid');
    } finally {
      await anon.context().close();
    }
  });
  await check('t8. the holder\'s page lists the course\'s skill as certified', async () => {
    await tm.goto(url('/training/certificates?status=valid&sort=issued_on&dir=desc'));
    const row = tm.locator('[data-testid=certificates-table] tbody tr', { hasText: codes[1].replace(/-/g, '') });
    await navigateBy(tm, () => row.locator('a[href^="/persons/"]').click());
    assert.match(pathname(tm), /^\/persons\/[0-9a-f-]{36}$/);
    const page = await tm.textContent('main');
    assert.match(page, /electricidad domiciliaria/);
    assert.match(page, /Certificada \(certificado [A-Z0-9]{20}\)/);
    assert.match(page, /Instalaciones solares \(e2e\)/, 'the enrolment is on the person page');
    await axeCheck(tm);
  });
  await check('t9. an accredited evaluator assesses a person unit by unit and uploads evidence, on a phone', async () => {
    for (const path of ['/training/standards', '/training/paths']) {
      await visit(tm, path);
    }
    await tm.goto(url('/training/standards?q=NCL-TUC-0117'));
    await navigateBy(tm, () => tm.locator('[data-testid=standards-table] tbody a').first().click());
    assert.equal(await tm.locator('[data-testid=standard-units] > li').count(), 3, 'three units');
    assert.match(await tm.textContent('[data-testid=evaluators]'), /formacion/);
    await axeCheck(tm);
    await tm.goto(url('/training/courses?q=Electricista instalador'));
    await navigateBy(tm, () => tm.locator('[data-testid=courses-table] tbody a').first().click());
    const running = tm.locator('[data-testid=course-cohorts] li', { hasText: 'En curso' });
    await navigateBy(tm, () => running.locator('a').first().click());
    // The last of the running cohort is not assessed yet.
    const links = tm.locator('[data-testid=assessment-link]');
    assert.ok((await links.count()) >= 2, 'people to assess');
    await navigateBy(tm, () => links.last().click());
    assert.match(pathname(tm), /^\/training\/enrolments\/[0-9a-f-]{36}\/assessment$/);
    assert.match(await tm.textContent('[data-testid=assessment-verdict]'), /Sin evaluar/);
    await tm.setViewportSize({ width: 390, height: 844 });
    try {
      const results = tm.locator('[data-testid=assessment-result]');
      assert.equal(await results.count(), 3);
      for (let i = 0; i < 3; i++) await results.nth(i).selectOption('competent');
      await tm.fill('#observations-1', 'Leyó el plano unifilar sin ayuda');
      await navigateBy(tm, () => tm.click('[data-testid=assessment-save]'));
      assert.match(await tm.textContent('[data-testid=flash-success]'), /Evaluación guardada/);
      assert.match(await tm.textContent('[data-testid=assessment-verdict]'), /Competente/);
      await tm.setInputFiles('[data-testid=evidence-file]', {
        name: 'foto-tablero.png',
        mimeType: 'image/png',
        buffer: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f8e1c90000000049454e44ae426082', 'hex'),
      });
      await navigateBy(tm, () => tm.click('[data-testid=evidence-upload]'));
      assert.match(await tm.textContent('[data-testid=evidence-list]'), /foto-tablero\.png/);
      await screenshot(tm, 'training-assessment-390');
      await axeCheck(tm);
    } finally {
      await tm.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await check('t10. a training path lists its courses in order and how many completed it', async () => {
    await tm.goto(url('/training/paths'));
    await navigateBy(tm, () => tm.locator('[data-testid=paths-table] tbody a').first().click());
    const steps = await tm.locator('[data-testid=path-courses] > li').allTextContents();
    assert.equal(steps.length, 3, steps.join(' | '));
    assert.match(steps[2], /Electricista instalador/);
    assert.match(await tm.textContent('[data-testid=path-facts]'), /NCL-TUC-0117/);
    await axeCheck(tm);
  });
  await tm.context().close();
  return { codes };
}
