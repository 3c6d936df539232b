// Messaging in the browser: a programme manager writes an SMS template and watches the
// counter switch to UCS-2 when an accent goes in (segments and cost change), drop back
// to GSM-7 when accents are transliterated, saves it, and finds it in the list; an
// invalid variable comes back beside its field. Then a campaign: the capital office's
// coordinator builds its audience and sees who each channel reaches, saves and sends
// it; being large it waits for a second user, the admin approves it, and the delivery
// statuses arrive in its report from the SMSC (tests/counterparts/smpp_server.mjs, at
// SMSC_URL). Then one of the people answers BAJA from their phone: the reply is on the
// messages list as theirs, the campaign counts the opt-out, and the next count of the
// same audience reaches one person fewer. Called from e2e.mjs with its helpers.

import assert from 'node:assert/strict';

const MANAGER = { user: 'programas', pass: 'sipe-demo-programas' };
const COORDINATOR = { user: 'coordinador', pass: 'sipe-demo-coordinador' };
const ADMIN = { user: 'admin', pass: 'sipe-demo-admin' };

export async function messagingFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const pm = await newPage(browser);
  await login(pm, MANAGER);
  await visit(pm, '/messaging/templates');
  await visit(pm, '/messaging/messages');
  await check('m1. an SMS template: an accent switches to UCS-2 and changes the cost', async () => {
    await pm.goto(url('/messaging/templates/new'));
    const count = pm.locator('[data-testid=sms-count]');
    const part = (p) => count.locator(`[data-part=${p}]`).textContent();
    // é and ñ are in the GSM alphabet; ó is not. Variables count at their typical
    // length: {nombre} 12, {fecha} 10, {oficina} 30 (97 characters as written + 34).
    const text = 'Hola {nombre}, te esperamos el {fecha} en {oficina} para una charla de orientación laboral. Traé tu DNI';
    await pm.fill('[data-testid=template-sms]', text.replace('ó', 'o'));
    await pm.waitForFunction(() => document.querySelector('[data-testid=sms-count] [data-part=units]').textContent === '131');
    assert.equal(await part('encoding'), 'GSM-7');
    assert.equal(await part('segments'), '1');
    const gsmCost = await part('cost');
    await pm.fill('[data-testid=template-sms]', text);
    await pm.waitForFunction(() => document.querySelector('[data-testid=sms-count] [data-part=encoding]').textContent === 'UCS-2');
    assert.equal(await part('segments'), '2');
    assert.notEqual(await part('cost'), gsmCost);
    await screenshot(pm, 'template-ucs2');
    await pm.check('[data-testid=template-transliterate]');
    await pm.waitForFunction(() => document.querySelector('[data-testid=sms-count] [data-part=encoding]').textContent === 'GSM-7');
    assert.equal(await part('segments'), '1');
    assert.equal(await pm.locator('[data-testid=sms-replaced]').isVisible(), false);
    // An emoji has no GSM-7 form: the counter names it instead of sending "?" silently.
    await pm.fill('[data-testid=template-sms]', `${text} 👋`);
    await pm.locator('[data-testid=sms-replaced]').waitFor({ state: 'visible' });
    assert.equal(await part('replaced'), '👋');
    await pm.fill('[data-testid=template-sms]', text);
    await pm.locator('[data-testid=sms-replaced]').waitFor({ state: 'hidden' });
    await axeCheck(pm);
  });
  await check('m2. saving it: a wrong variable first, then in the list', async () => {
    await pm.fill('[data-testid=template-name]', 'Charla de orientación e2e');
    await pm.fill('[data-testid=template-code]', 'charla_e2e');
    await pm.fill('[data-testid=template-subject]', 'Charla {dia}');
    await pm.fill('[data-testid=template-email]', 'Hola {nombre}');
    await navigateBy(pm, () => pm.click('[data-testid=template-save]'));
    assert.match(await pm.textContent('main'), /variable que no existe/);
    assert.equal(await pm.inputValue('[data-testid=template-name]'), 'Charla de orientación e2e');
    await pm.fill('[data-testid=template-subject]', 'Charla el {fecha}');
    await navigateBy(pm, () => pm.click('[data-testid=template-save]'));
    assert.match(pathname(pm), /^\/messaging\/templates\/[0-9a-f-]{36}$/);
    assert.match(await pm.textContent('[data-testid=flash-success]'), /Plantilla guardada/);
    await pm.goto(url('/messaging/templates?q=charla'));
    assert.match(await pm.textContent('[data-testid=templates-table]'), /charla_e2e/);
    await axeCheck(pm);
  });
  await pm.context().close();

  const co = await newPage(browser);
  // Sending asks first, saying how many people it reaches: the coordinator says yes.
  const asked = [];
  co.on('dialog', (d) => {
    asked.push(d.message());
    d.accept();
  });
  await login(co, COORDINATOR);
  await visit(co, '/messaging/campaigns');
  const shared = {};
  await check('m3. a campaign: its audience counted by channel, saved, sent for approval', async () => {
    await co.goto(url('/messaging/campaigns/new'));
    await co.fill('[data-testid=campaign-name]', 'Charla de diciembre (e2e)');
    await co.selectOption('[data-testid=campaign-template]', { label: 'Invitación a la charla de orientación laboral' });
    await co.selectOption('[data-testid=campaign-channel]', 'sms');
    await co.selectOption('[data-testid=audience-office]', 'OE-CAP-01');
    await navigateBy(co, () => co.click('[data-testid=audience-count]'));
    const sms = Number(await co.textContent('[data-testid=count-sms]'));
    const people = Number(await co.textContent('[data-testid=count-people]'));
    assert.ok(sms > 1000 && sms < people, `SMS reaches ${sms} of ${people}`);
    shared.sms = sms;
    await axeCheck(co);
    await screenshot(co, 'campaign-counts');
    await navigateBy(co, () => co.click('[data-testid=campaign-save]'));
    assert.match(pathname(co), /^\/messaging\/campaigns\/[0-9a-f-]{36}$/);
    shared.path = pathname(co);
    // The draft changes before it goes: its form comes back as saved.
    await navigateBy(co, () => co.click('[data-testid=campaign-edit]'));
    assert.equal(await co.inputValue('[data-testid=campaign-name]'), 'Charla de diciembre (e2e)');
    assert.equal(await co.inputValue('[data-testid=audience-office]'), 'OE-CAP-01');
    await axeCheck(co);
    await co.fill('[data-testid=campaign-name]', 'Charla de diciembre, Capital (e2e)');
    await navigateBy(co, () => co.click('[data-testid=campaign-save]'));
    assert.equal(pathname(co), shared.path);
    assert.match(await co.textContent('h1'), /Capital/);
    assert.match(await co.textContent('[data-testid=campaign-reach]'), new RegExp(`${sms} personas`));
    // Before sending: what it will cost, for all of them.
    assert.match(await co.textContent('[data-testid=campaign-estimate]'), /\$ [\d.]+,\d\d \(un segmento por mensaje.*sin tildes\)/);
    await navigateBy(co, () => co.click('[data-testid=campaign-launch-submit]'));
    assert.deepEqual(asked, [`¿Enviar la campaña? Hoy llega a ${sms} personas.`]);
    assert.match(await co.textContent('[data-testid=campaign-state]'), /Espera aprobación/);
    assert.equal(await co.locator('[data-testid=campaign-approve]').count(), 0, 'its author cannot approve it');
    await axeCheck(co);
  });
  await co.context().close();
  const admin = await newPage(browser);
  await login(admin, ADMIN);
  await check('m4. the admin approves it and the delivery statuses arrive', async () => {
    await admin.goto(url(shared.path));
    // What is approved is on the page: the text the channel sends and who gets it.
    assert.match(await admin.textContent('[data-testid=campaign-message]'), /charla de orientación laboral de \{oficina\}/);
    assert.match(await admin.textContent('[data-testid=campaign-audience]'), /OE-CAP-01/);
    assert.equal(await admin.locator('[data-testid=campaign-edit]').count(), 0, 'no changes once launched');
    await navigateBy(admin, () => admin.click('[data-testid=campaign-approve]'));
    assert.match(await admin.textContent('[data-testid=campaign-state]'), /Programada|Enviándose|Terminada/);
    let state = '';
    for (let i = 0; i < 60 && !/Terminada/.test(state); i++) {
      await admin.waitForTimeout(1000);
      await admin.goto(url(shared.path));
      state = await admin.textContent('[data-testid=campaign-state]');
    }
    assert.match(state, /Terminada/);
    // The SMSC's receipts turn them delivered; it refuses, throttles once or fails by
    // receipt the few numbers ending in 0001–0003 (a throttled one goes again 30 s
    // later), so each message ends delivered or failed.
    const cell = async (s) => {
      const c = admin.locator(`[data-testid=report-${s}]`);
      return (await c.count()) ? Number(await c.textContent()) : 0;
    };
    let delivered = 0;
    let failed = 0;
    for (let i = 0; i < 120 && delivered + failed !== shared.sms; i++) {
      await admin.waitForTimeout(500);
      await admin.goto(url(shared.path));
      delivered = await cell('delivered');
      failed = await cell('failed');
    }
    assert.equal(delivered + failed, shared.sms, `delivered ${delivered} + failed ${failed}`);
    assert.ok(delivered >= shared.sms - 5, `delivered by receipt: ${delivered} of ${shared.sms}`);
    assert.match(await admin.textContent('[data-testid=report-cost]'), /\$ [1-9]/);
    await screenshot(admin, 'campaign-report');
    await axeCheck(admin);
  });
  await check('m5. a person answers BAJA: their consent is withdrawn and the next count drops', async () => {
    const smsc = process.env.SMSC_URL;
    assert.ok(smsc, 'SMSC_URL is set by scripts/browser-tests.sh');
    const got = await (await fetch(`${smsc}/messages`)).json();
    const phone = got.find((m) => /charla de orientaci/i.test(m.text)).to;
    const sent = await (await fetch(`${smsc}/inbound`, { method: 'POST', body: JSON.stringify({ from: phone, text: 'Baja' }) })).json();
    assert.equal(sent.sent, 1, 'the SMSC has our session bound');
    let row = null;
    for (let i = 0; i < 40 && !row; i++) {
      await admin.waitForTimeout(250);
      await admin.goto(url('/messaging/messages?status=received'));
      const rows = admin.locator('[data-testid=messages-table] tbody tr', { hasText: 'Baja' });
      row = (await rows.count()) ? rows.first() : null;
    }
    assert.ok(row, 'the reply is on the messages list');
    await screenshot(admin, 'messages-baja');
    await axeCheck(admin);
    await navigateBy(admin, () => row.locator('a').first().click());
    assert.match(await admin.textContent('main'), /pidió la baja/);
    await admin.goto(url(shared.path));
    assert.equal(await admin.textContent('[data-testid=report-opt-outs]'), '1');
  });
  await admin.context().close();
  const again = await newPage(browser);
  await login(again, COORDINATOR);
  await check('m6. the same audience counted again reaches one person fewer by SMS', async () => {
    await again.goto(url('/messaging/campaigns/new'));
    await again.selectOption('[data-testid=campaign-template]', { label: 'Invitación a la charla de orientación laboral' });
    await again.selectOption('[data-testid=campaign-channel]', 'sms');
    await again.selectOption('[data-testid=audience-office]', 'OE-CAP-01');
    await navigateBy(again, () => again.click('[data-testid=audience-count]'));
    // One fewer, or a few when the phone was a family's (each of them asked out).
    const now = Number(await again.textContent('[data-testid=count-sms]'));
    assert.ok(now < shared.sms && now >= shared.sms - 5, `SMS reach ${shared.sms} → ${now}`);
  });
  await again.context().close();
}
