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
