// The phone line in the browser: the help desk keeps the phone page open; the PBX
// (played by this script, posting Zammad's generic CTI events to the webhook) rings
// and the desk answers a call from a registered person's phone: the page pops the
// caller's record up, live, with the consultation opened for the call, which the desk
// resolves. Then a call nobody answers shows among the missed ones and is called back.
// Last, the same person writes by SMS (through the SMSC) and by WhatsApp (through the
// Cloud API server): each becomes a conversation, answered from it and resolved.
// Called from e2e.mjs with its helpers; the webhook's token comes in CTI_TOKEN.

import assert from 'node:assert/strict';

const DESK = { user: 'mesa_ayuda', pass: 'sipe-demo-mesa_ayuda' };

export async function phoneFlow(browser, h) {
  const { check, visit, newPage, login, url, pathname, navigateBy, axeCheck, screenshot } = h;
  const token = process.env.CTI_TOKEN;
  assert.ok(token, 'CTI_TOKEN is set by scripts/browser-tests.sh');
  const pbx = async (event) => {
    const res = await fetch(url(`/api/v1/cti/${token}`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(event).toString(),
    });
    assert.equal(res.status, 200, `${event.event}: ${await res.text()}`);
  };
  const run = Date.now();

  const desk = await newPage(browser);
  await login(desk, DESK);
  await visit(desk, '/attention/phone');
  const shared = {};
  await check('p1. an answered call pops the caller\'s record up on the phone page', async () => {
    await desk.waitForFunction(() => document.querySelector('[data-phone-state]').textContent.includes('Cuando atiendas'));
    // A person the demo's calls found: their number as the log shows it.
    const row = desk.locator('[data-testid=call-row]', { has: desk.locator('a[href^="/persons/"]') }).first();
    shared.name = (await row.locator('a[href^="/persons/"]').textContent()).trim();
    const digits = (await row.locator('td').nth(1).textContent()).replace(/\D/g, '');
    assert.match(digits, /^549\d{10}$/, 'a mobile as records hold it');
    shared.digits = digits;
    // The PBX gives it the way Argentine carriers do: national, without the 9.
    const from = digits.slice(3);
    const callId = `e2e-${run}-1`;
    await pbx({ event: 'newCall', from, to: '08004447000', direction: 'in', callId, 'user[]': 'Marta Mesa de Ayuda' });
    await pbx({ event: 'answer', callId, answeringNumber: DESK.user });
    await desk.waitForSelector('[data-testid=phone-popup]');
    assert.equal((await desk.textContent('[data-testid=popup-person]')).trim(), shared.name);
    assert.match(await desk.textContent('[data-testid=phone-popup]'), /\+54 9 \d/);
    await screenshot(desk, 'phone-popup');
    await desk.setViewportSize({ width: 390, height: 844 });
    assert.ok(await desk.locator('[data-testid=popup-person]').isVisible());
    await screenshot(desk, 'phone-popup-390');
    await desk.setViewportSize({ width: 1280, height: 900 });
    await axeCheck(desk);
    shared.callId = callId;
  });
  await check('p2. the call\'s consultation is theirs, on the person, and is resolved', async () => {
    // Its links open beside the phone page, which keeps listening.
    const open = desk.locator('[data-testid=phone-popup] [data-popup-interaction]').first();
    assert.equal(await open.getAttribute('target'), '_blank');
    await visit(desk, await open.getAttribute('href'));
    assert.match(pathname(desk), /^\/attention\/interactions\/[0-9a-f-]{36}$/);
    const facts = await desk.textContent('[data-testid=interaction]');
    assert.ok(facts.includes(shared.name), facts);
    assert.match(facts, /Teléfono/);
    assert.match(await desk.textContent('[data-testid=interaction-status-now]'), /Abierta/);
    await desk.selectOption('[data-testid=interaction-new-status]', 'resolved');
    await navigateBy(desk, () => desk.click('[data-testid=interaction-status-save]'));
    assert.match(await desk.textContent('[data-testid=interaction-status-now]'), /Resuelta/);
    await pbx({ event: 'hangup', callId: shared.callId, cause: 'normalClearing' });
  });
  await visit(desk, '/attention/phone?missed=1');
  await check('p3. a call nobody answered waits among the missed and is called back once', async () => {
    const before = Number((await desk.textContent('[data-testid=missed-count]')).replace(/\D/g, ''));
    const callId = `e2e-${run}-2`;
    await pbx({ event: 'newCall', from: '3815550123', to: '08004447000', direction: 'in', callId });
    await pbx({ event: 'hangup', callId, cause: 'cancel' });
    await desk.reload();
    const after = Number((await desk.textContent('[data-testid=missed-count]')).replace(/\D/g, ''));
    assert.equal(after, before + 1);
    const row = desk.locator('[data-testid=call-row]', { hasText: '555-0123' });
    await navigateBy(desk, () => row.locator('[data-testid=call-back]').click());
    assert.match(pathname(desk), /^\/attention\/interactions\/[0-9a-f-]{36}$/);
    assert.match(await desk.textContent('[data-testid=flash-success]'), /devolución/);
    await visit(desk, '/attention/phone?missed=1');
    assert.equal(Number((await desk.textContent('[data-testid=missed-count]')).replace(/\D/g, '')), before);
    await axeCheck(desk);
  });
  await check('p4. an SMS from the person becomes a conversation, answered by SMS and resolved', async () => {
    const smsc = process.env.SMSC_URL;
    assert.ok(smsc, 'SMSC_URL is set by scripts/browser-tests.sh');
    const text = `Consulta por SMS (e2e ${run})`;
    const sent = await (await fetch(`${smsc}/inbound`, { method: 'POST', body: JSON.stringify({ from: shared.digits, text }) })).json();
    assert.ok(sent, 'the SMSC delivered it');
    // The follower reads received messages every few seconds: the newest SMS
    // conversation of that person shows the text.
    let href = null;
    for (let i = 0; i < 30 && !href; i++) {
      await desk.goto(url('/attention/interactions?channel=sms'));
      const row = desk.locator('[data-testid=interactions-table] tbody tr', { hasText: shared.name }).first();
      if ((await row.count()) > 0) {
        const candidate = await row.locator('a').first().getAttribute('href');
        await desk.goto(url(candidate));
        if ((await desk.locator('[data-testid=thread]', { hasText: text }).count()) > 0) href = candidate;
      }
      if (!href) await desk.waitForTimeout(1000);
    }
    assert.ok(href, 'the conversation appeared in the inbox');
    await visit(desk, href);
    await desk.fill('[data-testid=reply-text]', `Hola, te esperamos en la oficina (e2e ${run})`);
    await navigateBy(desk, () => desk.click('[data-testid=reply-send]'));
    assert.match(await desk.textContent('[data-testid=flash-success]'), /Respuesta en camino/);
    assert.match(await desk.textContent('[data-testid=thread]'), /te esperamos/);
    // The reply reached the SMSC, to the person's phone.
    let delivered = false;
    for (let i = 0; i < 30 && !delivered; i++) {
      const messages = await (await fetch(`${smsc}/messages`)).json();
      delivered = messages.some((m) => m.text.includes(`(e2e ${run})`) && m.to.endsWith(shared.digits.slice(-8)));
      if (!delivered) await desk.waitForTimeout(500);
    }
    assert.ok(delivered, 'the SMSC got the reply');
    await desk.selectOption('[data-testid=interaction-new-status]', 'resolved');
    await navigateBy(desk, () => desk.click('[data-testid=interaction-status-save]'));
    assert.match(await desk.textContent('[data-testid=interaction-status-now]'), /Resuelta/);
    await axeCheck(desk);
  });
  await check('p5. a WhatsApp message becomes a conversation, answered within the window and resolved', async () => {
    const wa = process.env.WHATSAPP_URL;
    assert.ok(wa, 'WHATSAPP_URL is set by scripts/browser-tests.sh');
    const text = `Consulta por WhatsApp (e2e ${run})`;
    const hook = await (await fetch(`${wa}/control/inbound`, { method: 'POST', body: JSON.stringify({ from: shared.digits, text }) })).json();
    assert.equal(hook.status, 200, 'sipe took the signed notification');
    let href = null;
    for (let i = 0; i < 30 && !href; i++) {
      await desk.goto(url('/attention/interactions?channel=whatsapp'));
      const row = desk.locator('[data-testid=interactions-table] tbody tr', { hasText: shared.name }).first();
      if ((await row.count()) > 0) {
        const candidate = await row.locator('a').first().getAttribute('href');
        await desk.goto(url(candidate));
        if ((await desk.locator('[data-testid=thread]', { hasText: text }).count()) > 0) href = candidate;
      }
      if (!href) await desk.waitForTimeout(1000);
    }
    assert.ok(href, 'the conversation appeared in the inbox');
    await visit(desk, href);
    await desk.fill('[data-testid=reply-text]', `Hola, tu pago sale el 10 (e2e ${run})`);
    await navigateBy(desk, () => desk.click('[data-testid=reply-send]'));
    assert.match(await desk.textContent('[data-testid=flash-success]'), /Respuesta en camino/);
    // The Cloud API took it as free text (inside the 24 hours) to the person's number.
    let reached = null;
    for (let i = 0; i < 30 && !reached; i++) {
      const sent = await (await fetch(`${wa}/control/sent`)).json();
      reached = sent.find((m) => m.type === 'text' && (m.text || '').includes(`(e2e ${run})`));
      if (!reached) await desk.waitForTimeout(500);
    }
    assert.ok(reached, 'the WhatsApp server got the reply');
    assert.equal(reached.to, shared.digits);
    await screenshot(desk, 'whatsapp-conversation');
    await desk.selectOption('[data-testid=interaction-new-status]', 'resolved');
    await navigateBy(desk, () => desk.click('[data-testid=interaction-status-save]'));
    assert.match(await desk.textContent('[data-testid=interaction-status-now]'), /Resuelta/);
    await axeCheck(desk);
  });
  await desk.context().close();
}
