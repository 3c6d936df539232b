// A local stand-in for the WhatsApp Cloud API, speaking its documented protocol
// (no real one can run here): POST /<version>/<phone-number-id>/messages with a bearer
// token sends a template or, inside the 24 hours after the person wrote, free text;
// it answers as the API does, errors included (190 bad token, 131047 outside the
// window, 132001 unknown template, 131026 a number ending in 0009), and then posts the
// message's status to the configured webhook, signed with the app secret
// (X-Hub-Signature-256), as Meta does.
//
// Control (JSON), on the same port:
//   POST /control/config   {"webhook": URL, "app_secret": S, "verify_token": T,
//                           "token": bearer, "templates": ["name", ...],
//                           "phone_number_id": ID}: also runs the
//                           verification handshake against the webhook and answers
//                           {"handshake": true|false}
//   POST /control/inbound  {"from": "5493815550010", "text": "BAJA", "bad_signature": false}:
//                           a person writes; answers {"status": <webhook's HTTP status>}
//   GET  /control/sent     every message accepted: {id, to, type, text, template, params}
//
//   node tests/counterparts/whatsapp_server.mjs
import crypto from "node:crypto";
import http from "node:http";

let cfg = { webhook: null, app_secret: "", verify_token: "", token: "", templates: [], phone_number_id: "" };
const sent = [];
const wrote = new Map(); // wa_id -> last time the person wrote (ms)
let seq = 0;

function sign(body, secret) {
  return "sha256=" + crypto.createHmac("sha256", secret).update(body).digest("hex");
}

async function notify(value, { badSignature = false } = {}) {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "0",
        changes: [
          {
            field: "messages",
            value: { messaging_product: "whatsapp", metadata: { display_phone_number: "5493810000000", phone_number_id: cfg.phone_number_id }, ...value },
          },
        ],
      },
    ],
  });
  const res = await fetch(cfg.webhook, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": sign(body, badSignature ? cfg.app_secret + "x" : cfg.app_secret),
    },
    body,
  });
  return res.status;
}

function read(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch {
        resolve(null);
      }
    });
  });
}

function reply(res, code, body) {
  res.statusCode = code;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

function apiError(res, httpCode, code, message) {
  reply(res, httpCode, { error: { message, type: "OAuthException", code, fbtrace_id: "t" } });
}

const now = () => Math.floor(Date.now() / 1000).toString();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (req.method === "POST" && url.pathname === "/control/config") {
    cfg = { ...cfg, ...(await read(req)) };
    const challenge = String(Math.floor(Math.random() * 1e9));
    const q = new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": cfg.verify_token, "hub.challenge": challenge });
    const hs = await fetch(`${cfg.webhook}?${q}`);
    const echoed = hs.status === 200 && (await hs.text()) === challenge;
    const wrong = await fetch(`${cfg.webhook}?${new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "1" })}`);
    return reply(res, 200, { handshake: echoed, wrong_token_status: wrong.status });
  }
  if (req.method === "POST" && url.pathname === "/control/inbound") {
    const { from, text, bad_signature } = await read(req);
    const id = `wamid.in${++seq}`;
    if (!bad_signature) wrote.set(from, Date.now());
    const status = await notify(
      { contacts: [{ profile: { name: "Persona" }, wa_id: from }], messages: [{ from, id, timestamp: now(), type: "text", text: { body: text } }] },
      { badSignature: !!bad_signature },
    );
    return reply(res, 200, { status, id });
  }
  if (req.method === "GET" && url.pathname === "/control/sent") return reply(res, 200, sent);

  const m = url.pathname.match(/^\/v\d+\.\d+\/(\d+)\/messages$/);
  if (req.method !== "POST" || !m) return apiError(res, 404, 100, "Unsupported request");
  if (req.headers.authorization !== `Bearer ${cfg.token}`) {
    return apiError(res, 401, 190, "Invalid OAuth access token");
  }
  const body = await read(req);
  if (!body || body.messaging_product !== "whatsapp" || !body.to) {
    return apiError(res, 400, 100, "Invalid parameter");
  }
  const to = body.to;
  let entry;
  if (body.type === "text") {
    const last = wrote.get(to);
    if (!last || Date.now() - last > 24 * 3600 * 1000) {
      return apiError(res, 400, 131047, "Re-engagement message: more than 24 hours have passed since the recipient last replied");
    }
    entry = { to, type: "text", text: body.text && body.text.body };
  } else if (body.type === "template") {
    const t = body.template || {};
    if (!cfg.templates.includes(t.name)) {
      return apiError(res, 400, 132001, "Template name does not exist in the translation");
    }
    const params = ((t.components || [])[0] || { parameters: [] }).parameters.map((p) => p.text);
    entry = { to, type: "template", template: t.name, language: t.language && t.language.code, params };
  } else {
    return apiError(res, 400, 100, "Invalid parameter: type");
  }
  const id = `wamid.out${++seq}`;
  sent.push({ id, ...entry });
  reply(res, 200, { messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
  const failed = to.endsWith("0009");
  setTimeout(() => {
    notify({
      statuses: [
        failed
          ? { id, status: "failed", timestamp: now(), recipient_id: to, errors: [{ code: 131026, title: "Message undeliverable" }] }
          : { id, status: "delivered", timestamp: now(), recipient_id: to },
      ],
    }).catch(() => {});
  }, 30);
});

server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ http: server.address().port }));
});
