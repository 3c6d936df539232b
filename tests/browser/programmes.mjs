// Programmes in the browser: a programme manager reads the catalogue and a programme
// with its amounts, creates one (an invalid amount comes back beside its row); an
// operator records a person's bank account on a phone, a wrong CBU first. Called from
// e2e.mjs with its helpers.

import assert from 'node:assert/strict';

const MANAGER = { user: 'programas', pass: 'sipe-demo-programas' };
const OPERATOR = { user: 'operador', pass: 'sipe-demo-operador' };

export async function programmesFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const pm = await newPage(browser);
  await login(pm, MANAGER);
  await visit(pm, '/programmes');
  await check('p1. a programme manager opens a programme: its monthly amounts by date', async () => {
    await pm.goto(url('/programmes?q=PEJ'));
    await navigateBy(pm, () => pm.locator('[data-testid=programmes-table] tbody a').first().click());
    assert.match(pathname(pm), /^\/programmes\/[0-9a-f-]{36}$/);
    const amounts = await pm.textContent('[data-testid=programme-amounts]');
    assert.match(amounts, /\$ 85\.000,00/);
    assert.match(amounts, /\$ 97\.500,00/);
    await axeCheck(pm);
  });
  await check('p2. creating one: a wrong amount is shown beside its row, then saved', async () => {
    await pm.goto(url('/programmes/new'));
    await pm.fill('[data-testid=programme-name]', 'Programa e2e');
    await pm.fill('[data-testid=programme-code]', 'EDE');
    await pm.fill('[data-testid=programme-legal-basis]', 'Res. 1/2026');
    await pm.fill('[data-testid=programme-starts]', '2026-01-01');
    await pm.fill('#amount-value-1', 'mucho');
    await pm.fill('#amount-from-1', '2026-01-01');
    await navigateBy(pm, () => pm.click('[data-testid=programme-save]'));
    assert.match(await pm.textContent('main'), /El monto no es válido/);
    assert.equal(await pm.inputValue('[data-testid=programme-name]'), 'Programa e2e');
    await screenshot(pm, 'programme-errors');
    await pm.fill('#amount-value-1', '50.000');
    await navigateBy(pm, () => pm.click('[data-testid=programme-save]'));
    assert.match(pathname(pm), /^\/programmes\/[0-9a-f-]{36}$/);
    assert.match(await pm.textContent('[data-testid=flash-success]'), /Programa guardado/);
  });
  await pm.context().close();

  const op = await newPage(browser);
  await login(op, OPERATOR);
  await check('p3. an operator records a bank account on a phone: a wrong CBU is refused first', async () => {
    await op.goto(url('/persons?employment=unemployed'));
    await navigateBy(op, () => op.locator('[data-testid=persons-table] tbody a').first().click());
    const person = pathname(op);
    await op.setViewportSize({ width: 390, height: 844 });
    try {
      await op.fill('[data-testid=account-cbu]', '0170099220000067797371');
      await navigateBy(op, () => op.click('[data-testid=bank-account-save]'));
      assert.match(await op.textContent('[data-testid=flash-error]'), /CBU no es válido/);
      await op.fill('[data-testid=account-cbu]', '0170099220000067797370');
      await navigateBy(op, () => op.click('[data-testid=bank-account-save]'));
      assert.equal(pathname(op), person);
      assert.match(await op.textContent('[data-testid=bank-account]'), /0170099220000067797370/);
      await screenshot(op, 'person-bank-account-390');
      await axeCheck(op);
    } finally {
      await op.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await op.context().close();
}
