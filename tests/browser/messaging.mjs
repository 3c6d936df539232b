// Messaging in the browser: a programme manager writes an SMS template and watches the
// counter switch to UCS-2 when an accent goes in (segments and cost change), drop back
// to GSM-7 when accents are transliterated, saves it, and finds it in the list; an
// invalid variable comes back beside its field. Called from e2e.mjs with its helpers.

import assert from 'node:assert/strict';

const MANAGER = { user: 'programas', pass: 'sipe-demo-programas' };

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
    const text = 'Hola {nombre}, te esperamos el {fecha} en {oficina} para una charla de orientacion laboral. Traé tu DNI';
    await pm.fill('[data-testid=template-sms]', text.replace('é', 'e'));
    await pm.waitForFunction(() => document.querySelector('[data-testid=sms-count] [data-part=units]').textContent === '97');
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
}
