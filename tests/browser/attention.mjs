// Attention in the browser: the admin gives the capital's first office two services and
// a counter for them; a person takes a ticket at the kiosk (a phone-sized touch page);
// the office's display is open and live; the operator calls the ticket from the counter
// screen and the display shows it through server-sent events, then again when recalled;
// the operator redirects it to the other service (it keeps its place), calls it again
// and finishes it recording the topics attended. Then the operator records a phone
// consultation and resolves it from the inbox. Called from e2e.mjs with its helpers.

import assert from 'node:assert/strict';

const ADMIN = { user: 'admin', pass: 'sipe-demo-admin' };
const OPERATOR = { user: 'operador', pass: 'sipe-demo-operador' };
const OFFICE = 'OE-CAP-01';

export async function attentionFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;

  const admin = await newPage(browser);
  await login(admin, ADMIN);
  await visit(admin, '/attention');
  await visit(admin, `/attention/offices/${OFFICE}/setup`);
  await check('q1. setup: two services and a counter calling both', async () => {
    for (const [prefix, name] of [['E', 'Flujo e2e uno'], ['F', 'Flujo e2e dos']]) {
      await admin.fill('[data-testid=service-prefix]', prefix);
      await admin.fill('[data-testid=service-name]', name);
      await navigateBy(admin, () => admin.click('[data-testid=service-save]'));
      assert.match(await admin.textContent('[data-testid=flash-success]'), /Servicio guardado/);
    }
    // A prefix in use comes back beside its field.
    await admin.fill('[data-testid=service-prefix]', 'e');
    await admin.fill('[data-testid=service-name]', 'Repetido');
    await navigateBy(admin, () => admin.click('[data-testid=service-save]'));
    assert.match(await admin.textContent('main'), /ya usa esa letra/);
    await admin.fill('[data-testid=counter-name]', 'Box e2e');
    const boxes = admin.locator('[data-testid=counter-form] input[type=checkbox]');
    for (let i = 0; i < (await boxes.count()); i++) {
      const label = await admin.locator(`label[for="${await boxes.nth(i).getAttribute('id')}"]`).textContent();
      if (/Flujo e2e/.test(label)) await boxes.nth(i).check();
    }
    await navigateBy(admin, () => admin.click('[data-testid=counter-save]'));
    assert.match(await admin.textContent('[data-testid=setup-counters-table]'), /Box e2e/);
    await axeCheck(admin);
  });
  await admin.context().close();

  // The office's display, open before any call (anyone may open it).
  const display = await newPage(browser);
  await visit(display, `/offices/${OFFICE}/display`);
  await check('q2. the display connects to its live stream', async () => {
    await display.waitForFunction(() => document.querySelector('[data-state]').textContent.includes('En vivo'));
  });

  const kiosk = await newPage(browser);
  await kiosk.setViewportSize({ width: 390, height: 844 });
  const shared = {};
  await visit(kiosk, `/offices/${OFFICE}/kiosk`);
  await check('q3. a ticket from the kiosk, with its number, people ahead and a QR', async () => {
    await kiosk.selectOption('[data-testid=kiosk-priority]', 'older_adult');
    await navigateBy(kiosk, () => kiosk.click('[data-testid=kiosk-service-E]'));
    assert.match(pathname(kiosk), /^\/turnos\/[0-9a-f-]{36}$/);
    shared.number = (await kiosk.textContent('[data-testid=ticket-number]')).trim();
    assert.match(shared.number, /^E-\d{3}$/);
    assert.match(await kiosk.textContent('[data-testid=ticket-status]'), /próximo|antes que vos/);
    assert.equal(await kiosk.locator('.qr svg').count(), 1);
    await screenshot(kiosk, 'kiosk-ticket');
    await axeCheck(kiosk);
  });

  const op = await newPage(browser);
  await login(op, OPERATOR);
  await visit(op, `/attention/offices/${OFFICE}`);
  await check('q4. the operator calls it from the counter; the display shows it live', async () => {
    await navigateBy(op, () => op.locator('[data-testid=counter-link]', { hasText: 'Box e2e' }).click());
    await navigateBy(op, () => op.click('[data-testid=call-next]'));
    assert.equal((await op.textContent('[data-testid=current-number]')).trim(), shared.number);
    await display.waitForFunction(
      (n) => document.querySelector('[data-now-number]').textContent.trim() === n,
      shared.number,
    );
    assert.match(await display.textContent('[data-testid=display-now]'), /Box e2e/);
    shared.calls = Number(await display.getAttribute('[data-display]', 'data-calls'));
    await screenshot(display, 'display-called');
    await axeCheck(op);
  });
  await check('q5. recalled: the display gets the call again', async () => {
    await navigateBy(op, () => op.click('[data-testid=step-recall]'));
    await display.waitForFunction(
      (n) => Number(document.querySelector('[data-display]').dataset.calls) === n,
      shared.calls + 1,
    );
    assert.match(await op.textContent('[data-testid=current-ticket]'), /Vuelto a llamar/);
  });
  await check('q6. redirected to the other service, called again and finished with its topics', async () => {
    const choice = await op.locator('[data-testid=redirect-service] option', { hasText: 'Flujo e2e dos' }).getAttribute('value');
    await op.selectOption('[data-testid=redirect-service]', choice);
    await navigateBy(op, () => op.click('[data-testid=step-redirect]'));
    assert.ok(await op.locator('[data-testid=counter-idle]').isVisible());
    await navigateBy(op, () => op.click('[data-testid=call-next]'));
    assert.equal((await op.textContent('[data-testid=current-number]')).trim(), shared.number);
    await navigateBy(op, () => op.click('[data-testid=step-start]'));
    assert.match(await op.textContent('[data-testid=current-status]'), /En atención/);
    await op.locator('[data-testid=finish-form] label', { hasText: 'Programas de empleo' }).click();
    await navigateBy(op, () => op.click('[data-testid=step-finish]'));
    assert.ok(await op.locator('[data-testid=counter-idle]').isVisible());
    await kiosk.goto(kiosk.url().split('?')[0]);
    assert.match(await kiosk.textContent('[data-testid=ticket-status]'), /Atendido/);
    await axeCheck(op);
  });
  await visit(op, '/attention/interactions');
  await check('q7. a phone consultation recorded and resolved from the inbox', async () => {
    await navigateBy(op, () => op.click('[data-testid=interaction-new]'));
    await op.selectOption('[data-testid=interaction-channel]', 'phone');
    await op.selectOption('[data-testid=interaction-topic]', 'payments');
    await op.fill('[data-testid=interaction-notes]', 'Pregunta por el pago de diciembre (e2e)');
    await navigateBy(op, () => op.click('[data-testid=interaction-save]'));
    assert.match(pathname(op), /^\/attention\/interactions\/[0-9a-f-]{36}$/);
    assert.match(await op.textContent('[data-testid=interaction-status-now]'), /Abierta/);
    await op.selectOption('[data-testid=interaction-new-status]', 'resolved');
    await navigateBy(op, () => op.click('[data-testid=interaction-status-save]'));
    assert.match(await op.textContent('[data-testid=interaction-status-now]'), /Resuelta/);
    await op.goto(url('/attention/interactions?status=resolved'));
    assert.match(await op.textContent('[data-testid=interactions-table]'), /Pagos de programas/);
    await axeCheck(op);
  });
  await visit(op, '/attention/reports');
  await check('q8. the attention report counts the morning, by channel and by service', async () => {
    assert.match(await op.textContent('[data-testid=report-services]'), /Flujo e2e dos/);
    assert.match(await op.textContent('[data-testid=report-channels]'), /Teléfono/);
    const csv = await op.getAttribute('[data-testid=report-export]', 'href');
    assert.match(csv, /^\/attention\/reports\/channels\.csv\?/);
    await axeCheck(op);
  });
  await op.context().close();
  await kiosk.context().close();
  await display.context().close();
}

// A person books an appointment on the web from their phone and gets its page with a
// QR; at the office the kiosk's scanner reads that QR (the test decodes the QR drawn on
// the person's screen with jsQR and types what it holds, as a keyboard-wedge scanner
// does); the ticket enters the queue with the appointment's priority and the counter
// calls it before the regular tickets that were waiting.
export async function appointmentFlow(browser, h) {
  const { check, visit, newPage, login, pathname, navigateBy, axeCheck, screenshot } = h;
  const admin = await newPage(browser);
  await login(admin, ADMIN);
  await check('r1. the office opens round the clock and service E takes appointments', async () => {
    await visit(admin, `/attention/offices/${OFFICE}/hours`);
    for (let d = 0; d < 7; d++) {
      await admin.fill(`#opens-${d}`, '00:00');
      await admin.fill(`#closes-${d}`, '23:59');
    }
    await navigateBy(admin, () => admin.click('[data-testid=hours-save]'));
    // Today may be a holiday: out of the way, so that today has slots.
    admin.on('dialog', (d) => d.accept());
    await visit(admin, '/attention/sla');
    const today = new Intl.DateTimeFormat('es-AR', {
      timeZone: 'America/Argentina/Buenos_Aires', day: '2-digit', month: '2-digit', year: 'numeric',
    }).format(new Date());
    const row = admin.locator('[data-testid=holidays] tr', { hasText: today });
    if (await row.count()) await navigateBy(admin, () => row.locator('button').click());
    await visit(admin, `/attention/offices/${OFFICE}/setup`);
    await navigateBy(admin, () => admin.locator('[data-testid=services-table] tr', { hasText: 'Flujo e2e uno' }).locator('a').click());
    assert.match(await admin.inputValue('[name=prefix]'), /^E$/);
    await admin.fill('[data-testid=slot-minutes]', '5');
    await admin.fill('[data-testid=slot-capacity]', '3');
    await navigateBy(admin, () => admin.click('[data-testid=service-update]'));
    await axeCheck(admin);
  });
  await admin.context().close();

  // The counter first calls a regular ticket, which settles any turn the N:M
  // alternation owed regular tickets; then two regular tickets wait for service E before
  // the person arrives.
  const kiosk = await newPage(browser);
  await kiosk.setViewportSize({ width: 800, height: 1280 });
  const op = await newPage(browser);
  await login(op, OPERATOR);
  await visit(kiosk, `/offices/${OFFICE}/kiosk`);
  await navigateBy(kiosk, () => kiosk.click('[data-testid=kiosk-service-E]'));
  const settled = (await kiosk.textContent('[data-testid=ticket-number]')).trim();
  await visit(op, `/attention/offices/${OFFICE}`);
  await navigateBy(op, () => op.locator('[data-testid=counter-link]', { hasText: 'Box e2e' }).click());
  const counter = pathname(op);
  await navigateBy(op, () => op.click('[data-testid=call-next]'));
  assert.equal((await op.textContent('[data-testid=current-number]')).trim(), settled);
  await navigateBy(op, () => op.click('[data-testid=step-start]'));
  const regular = [];
  for (let i = 0; i < 2; i++) {
    await visit(kiosk, `/offices/${OFFICE}/kiosk`);
    await navigateBy(kiosk, () => kiosk.click('[data-testid=kiosk-service-E]'));
    regular.push((await kiosk.textContent('[data-testid=ticket-number]')).trim());
  }

  const person = await newPage(browser);
  await person.setViewportSize({ width: 390, height: 844 });
  const shared = {};
  await check('r2. a person books today\'s first free time on the web and gets its QR', async () => {
    await visit(person, `/offices/${OFFICE}/turno`);
    await navigateBy(person, () => person.click('[data-testid=web-book]'));
    const service = await person.locator('[data-testid=booking-service] option', { hasText: 'Flujo e2e uno' }).getAttribute('value');
    await person.selectOption('[data-testid=booking-service]', service);
    await person.fill('[data-testid=booking-day]', await person.getAttribute('[data-testid=booking-day]', 'min'));
    await navigateBy(person, () => person.click('[data-testid=booking-slots]'));
    const first = await person.locator('[data-testid=booking-time] option').nth(1).getAttribute('value');
    await person.selectOption('[data-testid=booking-time]', first);
    await person.fill('[data-testid=booking-document]', '27.444.555');
    // A wrong mobile comes back beside its field, with what was typed kept.
    await person.fill('[data-testid=booking-phone]', '12ab');
    await navigateBy(person, () => person.click('[data-testid=booking-submit]'));
    assert.match(await person.textContent('main'), /solo lleva números/);
    assert.equal(await person.inputValue('[data-testid=booking-document]'), '27.444.555');
    await person.fill('[data-testid=booking-phone]', '0381 15-555-0444');
    await navigateBy(person, () => person.click('[data-testid=booking-submit]'));
    assert.match(pathname(person), /^\/citas\/[A-Za-z0-9_-]{43}$/);
    assert.match(await person.textContent('[data-testid=appointment-status]'), /Reservado/);
    assert.match(await person.textContent('main'), /•••••555/);
    await screenshot(person, 'appointment-booked');
    await axeCheck(person);
    await person.addScriptTag({ path: new URL('./node_modules/jsqr/dist/jsQR.js', import.meta.url).pathname });
    shared.scanned = await person.evaluate(async () => {
      const svg = document.querySelector('[data-testid=appointment-qr] svg');
      const img = new Image();
      img.src = 'data:image/svg+xml;base64,' + btoa(new XMLSerializer().serializeToString(svg));
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width * 2;
      canvas.height = img.height * 2;
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      const data = g.getImageData(0, 0, canvas.width, canvas.height);
      return window.jsQR(data.data, data.width, data.height)?.data ?? null;
    });
    assert.ok(shared.scanned, 'the QR on the person\'s screen decodes');
    assert.ok(shared.scanned.endsWith(pathname(person)), shared.scanned);
  });

  await check('r3. the kiosk\'s scanner reads the QR: the ticket is in the queue, with priority', async () => {
    await visit(kiosk, `/offices/${OFFICE}/kiosk`);
    await navigateBy(kiosk, () => kiosk.click('[data-testid=kiosk-checkin]'));
    await axeCheck(kiosk);
    // The field has the focus: the scanner types and presses Enter.
    await kiosk.keyboard.type(shared.scanned);
    await navigateBy(kiosk, () => kiosk.keyboard.press('Enter'));
    assert.match(pathname(kiosk), /^\/turnos\/[0-9a-f-]{36}$/);
    shared.number = (await kiosk.textContent('[data-testid=ticket-number]')).trim();
    assert.match(shared.number, /^E-\d{3}$/);
    assert.ok(!regular.includes(shared.number));
    await person.reload();
    assert.match(await person.textContent('[data-testid=appointment-status]'), /Presente/);
    // Scanned again: said so, nothing issued.
    await visit(kiosk, `/offices/${OFFICE}/kiosk/cita`);
    await kiosk.keyboard.type(shared.scanned);
    await navigateBy(kiosk, () => kiosk.keyboard.press('Enter'));
    assert.match(await kiosk.textContent('main'), /ya dio el presente/);
  });

  await check('r4. the counter calls the appointment first, before the regular tickets', async () => {
    await visit(op, counter);
    await navigateBy(op, () => op.click('[data-testid=call-next]'));
    assert.equal((await op.textContent('[data-testid=current-number]')).trim(), shared.number);
    await visit(op, `/attention/offices/${OFFICE}/appointments`);
    assert.match(await op.textContent('[data-testid=appointments-table]'), /27444555/);
    await screenshot(op, 'appointments-day');
    await axeCheck(op);
  });
  await op.context().close();
  await person.context().close();
  await kiosk.context().close();
}
