// Programmes in the browser: a programme manager reads the catalogue and a programme
// with its amounts, creates one (an invalid amount comes back beside its row); an
// operator records a person's bank account on a phone, a wrong CBU first. Then the
// whole monthly cycle of issue 16: a programme with three criteria and an office
// quota, a person's eligibility explained, applying, approving (the office's quota
// shown), a month of attendance, the month's run computed, approved by a second user,
// its payment file downloaded, the bank's answer with one rejection imported and the
// rejection listed for correction; and the compliance queue. Called from e2e.mjs with
// its helpers.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

const MANAGER = { user: 'programas', pass: 'sipe-demo-programas' };
const OPERATOR = { user: 'operador', pass: 'sipe-demo-operador' };
const ADMIN = { user: 'admin', pass: 'sipe-demo-admin' };

/** The month before this one in Argentina (UTC−3), `YYYY-MM`, and its first day. */
function lastMonth() {
  const now = new Date(Date.now() - 3 * 3600e3);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = d.toISOString().slice(0, 7);
  return { month, first: `${month}-01` };
}

export async function programmesFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const shared = {};
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
    shared.person = person;
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
  await monthlyCycle(browser, h, shared);
}

async function monthlyCycle(browser, h, shared) {
  const { check, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const { month, first } = lastMonth();
  const pm = await newPage(browser);
  pm.on('dialog', (d) => d.accept());
  await login(pm, MANAGER);
  const op = await newPage(browser);
  await login(op, OPERATOR);
  const cycle = {};

  await check('p4. a programme paid by attendance, with three criteria and a quota for the office', async () => {
    assert.ok(shared.person, 'p3 chose the person');
    await pm.goto(url('/programmes/new'));
    await pm.fill('[data-testid=programme-name]', 'Entrenamiento e2e');
    await pm.fill('[data-testid=programme-code]', 'EPB');
    await pm.fill('[data-testid=programme-legal-basis]', 'Res. 7/2025');
    await pm.selectOption('select[name=payment_rule]', 'attendance');
    await pm.fill('[data-testid=programme-starts]', '2025-01-01');
    await pm.fill('#amount-value-1', '100.000');
    await pm.fill('#amount-from-1', '2025-01-01');
    await navigateBy(pm, () => pm.click('[data-testid=programme-save]'));
    assert.match(pathname(pm), /^\/programmes\/[0-9a-f-]{36}$/);
    cycle.programme = pathname(pm);
    await navigateBy(pm, () => pm.click('[data-testid=programme-rules-edit]'));
    await pm.check('[data-testid=use-age]');
    await pm.fill('[data-testid=age-min]', '16');
    await pm.fill('[data-testid=age-max]', '99');
    await pm.check('#use-residence');
    await pm.selectOption('select[name=residence_province]', { label: 'Tucumán' });
    await pm.check('[data-testid=use-employment]');
    await pm.check('input[name=employment_statuses][value=unemployed]');
    await pm.fill('[data-testid=quota-OE-CAP-01]', '5');
    await axeCheck(pm);
    await navigateBy(pm, () => pm.click('[data-testid=rules-save]'));
    assert.equal(pathname(pm), cycle.programme);
    assert.match(await pm.textContent('[data-testid=flash-success]'), /Reglas guardadas/);
    assert.equal(await pm.locator('[data-testid=programme-criteria] li').count(), 3);
    assert.match(await pm.textContent('[data-testid=programme-office-quotas]'), /OE-CAP-01.*5/);
  });

  await check('p5. the operator sees the person meets each criterion, and applies', async () => {
    await op.goto(url(shared.person));
    const verdict = op.locator('[data-testid=eligibility-EPB]');
    await verdict.locator('summary').click();
    const text = await verdict.textContent();
    assert.match(text, /Cumple todos los criterios/);
    assert.equal(await verdict.locator('li.criterion-met').count(), 3, text);
    const option = op.locator('[data-testid=apply-programme] option', { hasText: 'EPB' });
    await op.selectOption('[data-testid=apply-programme]', await option.getAttribute('value'));
    await navigateBy(op, () => op.click('[data-testid=apply-save]'));
    assert.match(pathname(op), /^\/programme-applications\/[0-9a-f-]{36}$/);
    assert.match(await op.textContent('[data-testid=application-state]'), /Enviada/);
    cycle.application = pathname(op);
    await axeCheck(op);
  });

  await check('p6. the manager approves it (the office quota in view) and starts it last month', async () => {
    await pm.goto(url(cycle.application));
    assert.match(await pm.textContent('[data-testid=application-quota]'), /oficina: 0 de 5 ocupados/);
    await navigateBy(pm, () => pm.click('[data-testid=do-approve]'));
    assert.match(await pm.textContent('[data-testid=application-state]'), /Aprobada/);
    assert.match(await pm.textContent('[data-testid=application-number]'), /^EPB-\d{4}-000001$/);
    assert.match(await pm.textContent('[data-testid=application-quota]'), /oficina: 1 de 5 ocupados/);
    await pm.fill('#date-activate', first);
    await navigateBy(pm, () => pm.click('[data-testid=do-activate]'));
    assert.match(await pm.textContent('[data-testid=application-state]'), /Activa/);
    await screenshot(pm, 'programme-application-active');
  });

  await check('p7. the office records the month of attendance the employer certified', async () => {
    await op.goto(url(`${cycle.programme}/attendance?month=${month}`));
    await op.fill('[data-testid=attended-1]', '18');
    await op.fill('[data-testid=expected-1]', '20');
    await navigateBy(op, () => op.click('[data-testid=attendance-save]'));
    assert.match(await op.textContent('[data-testid=flash-success]'), /Asistencia guardada/);
    assert.equal(await op.inputValue('[data-testid=attended-1]'), '18');
    await axeCheck(op);
  });

  await check('p8. the manager computes the month: 18 of 20 days pay 90%', async () => {
    await pm.goto(url(`${cycle.programme}/payment-runs`));
    await pm.fill('[data-testid=compute-month]', month);
    await navigateBy(pm, () => pm.click('[data-testid=compute-run]'));
    assert.match(pathname(pm), /^\/payment-runs\/[0-9a-f-]{36}$/);
    cycle.run = pathname(pm);
    assert.match(await pm.textContent('[data-testid=run-state]'), /Calculada/);
    assert.match(await pm.textContent('[data-testid=run-total]'), /\$ 90\.000,00/);
    // Whoever computed it cannot approve it.
    assert.equal(await pm.locator('[data-testid=run-approve]').count(), 0);
    assert.match(await pm.textContent('main'), /La aprueba otra persona/);
    await axeCheck(pm);
  });

  await check('p9. a second user approves the run', async () => {
    const admin = await newPage(browser);
    admin.on('dialog', (d) => d.accept());
    try {
      await login(admin, ADMIN);
      await admin.goto(url(cycle.run));
      await navigateBy(admin, () => admin.click('[data-testid=run-approve]'));
      assert.match(await admin.textContent('[data-testid=run-state]'), /Aprobada/);
    } finally {
      await admin.context().close();
    }
  });

  await check('p10. its payment file adds up to the run', async () => {
    await pm.goto(url(cycle.run));
    const [download] = await Promise.all([
      pm.waitForEvent('download'),
      pm.click('[data-testid=run-file-csv]'),
    ]);
    const csv = (await fs.readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const rows = csv.trim().split(/\r?\n/);
    assert.equal(rows[0], 'cuil,apellido_nombre,cbu,importe,concepto');
    assert.equal(rows.length, 2, csv);
    const cells = rows[1].split(',');
    cycle.cuil = cells[0];
    assert.match(cycle.cuil, /^\d{11}$/);
    assert.equal(cells.at(-2), '90000.00');
    assert.match(cells.at(-1), new RegExp(`^EPB ${month}$`));
    await pm.reload();
    assert.match(await pm.textContent('[data-testid=run-state]'), /Archivo descargado/);
  });

  await check('p11. the bank answers with one rejection: imported, the run reconciled', async () => {
    await pm.setInputFiles('[data-testid=bank-result-file]', {
      name: 'resultado-banco.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`cuil,estado,motivo\n${cycle.cuil},rechazado,CBU inexistente\n`),
    });
    await navigateBy(pm, () => pm.click('[data-testid=bank-result-upload]'));
    assert.equal(pathname(pm), cycle.run);
    assert.match(await pm.textContent('[data-testid=run-state]'), /Conciliada/);
    assert.match(await pm.textContent('[data-testid=run-lines]'), /CBU inexistente/);
    await screenshot(pm, 'payment-run-reconciled');
    await axeCheck(pm);
  });

  await check('p12. the office finds the rejected payment listed for correction', async () => {
    await op.goto(url('/payment-runs/rejected'));
    const table = await op.textContent('[data-testid=rejected-table]');
    assert.match(table, /CBU inexistente/);
    assert.match(table, new RegExp(`EPB ${month}`));
    await op.setViewportSize({ width: 390, height: 844 });
    try {
      await screenshot(op, 'payments-rejected-390');
      await axeCheck(op);
    } finally {
      await op.setViewportSize({ width: 1280, height: 800 });
    }
  });

  await check('p13. the compliance queue: the demo beneficiary who found a job, ending proposed', async () => {
    await op.goto(url('/programmes/compliance'));
    const list = await op.textContent('[data-testid=compliance-list]');
    assert.match(list, /Baja propuesta: consiguió empleo/);
    await op.setViewportSize({ width: 390, height: 844 });
    try {
      await screenshot(op, 'programmes-compliance-390');
      await axeCheck(op);
    } finally {
      await op.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await check('p14. a national list is imported (one row refused) and the counter sees what the person receives', async () => {
    await pm.goto(url('/programmes/national'));
    await axeCheck(pm);
    const month = new Date();
    month.setMonth(month.getMonth() - 1);
    const period = `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
    await pm.setInputFiles('[data-testid=national-file]', {
      name: 'padron-progresar.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`cuil,programa,estado,periodo,monto\n${cycle.cuil},PROGRESAR,activo,${period},"41.000,00"\n20000000002,PROGRESAR,activo,${period},1\n`),
    });
    await navigateBy(pm, () => pm.click('[data-testid=national-upload-save]'));
    assert.match(await pm.textContent('.flash'), /Archivo recibido/);
    // The background job imports it; the page refreshes itself until it is done.
    // The newest run's cells: state, accepted, rejected, registered here.
    const newest = () => pm.$$eval('[data-testid=national-runs] tbody tr:first-child td',
      (tds) => tds.map((td) => td.textContent.trim()));
    let cells = [];
    for (let i = 0; i < 30; i++) {
      await pm.goto(url('/programmes/national'));
      cells = await newest();
      if (cells[2] === 'Terminada' && cells[1] === 'programas') break;
      await pm.waitForTimeout(1000);
    }
    assert.deepEqual([cells[1], cells[2], cells[4], cells[5], cells[6]], ['programas', 'Terminada', '1', '1', '1'], cells.join(' | '));
    assert.ok(await pm.isVisible('[data-testid=national-report]'), 'the report of the refused row');
    await op.goto(url(shared.person));
    const receiving = await op.textContent('[data-testid=national-receiving]');
    assert.match(receiving, /Cobra Becas Progresar \(\p{L}+ \d{4}, \$ 41\.000,00\)/u);
    await op.setViewportSize({ width: 390, height: 844 });
    try {
      await op.click('#national + ul + details > summary');
      await screenshot(op, 'person-national-390');
      await axeCheck(op);
    } finally {
      await op.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await pm.context().close();
  await op.context().close();
}
