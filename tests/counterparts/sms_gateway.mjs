// A local SMS gateway speaking Twilio's Messages API (the shape most aggregators copy;
// no real one can run here): POST /2010-04-01/Accounts/<sid>/Messages.json with HTTP
// Basic auth (account sid, auth token) and the form fields To, From, Body and
// StatusCallback. It answers as Twilio does, errors included (20003 bad credentials,
// 21211 an invalid To (numbers ending in 0001), 20429 too many requests (0002, once),
// 21602 no Body), and then posts the message's status callbacks (sent, then delivered,
// or undelivered with ErrorCode 30003 for numbers ending in 0003) to StatusCallback.
//
// Control (JSON), on the same port:
//   POST /control/config  {"account": "AC…", "token": "…", "inbound_webhook": URL}
//   POST /control/inbound {"from": "+5493815550010", "text": "BAJA", "json": false}:
//                          a person writes; posts it to inbound_webhook (form fields
//                          MessageSid, From, To, Body, or the same as JSON) and answers
//                          {"status": <webhook's HTTP status>, "sid": …}; "repeat": true
//                          posts it twice, as a gateway does when unsure it was taken
//   GET  /control/sent    every message accepted: {sid, to, from, body}
//
//   node tests/counterparts/sms_gateway.mjs
import http from "node:http";

let cfg = { account: "AC0", token: "", inbound_webhook: null };
const sent = [];
const throttled = new Set();
let seq = 0;
const sid = (p) => p + (++seq).toString(16).padStart(32, "0");

function read(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function reply(res, code, body) {
  res.statusCode = code;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

const twilioError = (res, status, code, message) =>
  reply(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

async function callback(url, fields) {
  if (!url) return;
  await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  }).catch(() => {});
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (req.method === "POST" && url.pathname === "/control/config") {
    cfg = { ...cfg, ...JSON.parse((await read(req)) || "{}") };
    return reply(res, 200, cfg);
  }
  if (req.method === "GET" && url.pathname === "/control/sent") return reply(res, 200, sent);
  if (req.method === "POST" && url.pathname === "/control/inbound") {
    const { from, text, json, repeat } = JSON.parse((await read(req)) || "{}");
    const fields = { MessageSid: sid("SM"), AccountSid: cfg.account, From: from, To: "EmpleoTuc", Body: text, NumMedia: "0" };
    const post = () =>
      fetch(cfg.inbound_webhook, {
        method: "POST",
        headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
        body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      });
    let r = await post();
    if (repeat) r = await post();
    return reply(res, 200, { status: r.status, sid: fields.MessageSid });
  }

  const m = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
  if (req.method !== "POST" || !m) return twilioError(res, 404, 20404, "The requested resource was not found");
  const expected = "Basic " + Buffer.from(`${cfg.account}:${cfg.token}`).toString("base64");
  if (m[1] !== cfg.account || req.headers.authorization !== expected) {
    return twilioError(res, 401, 20003, "Authenticate");
  }
  const form = new URLSearchParams(await read(req));
  const to = form.get("To") || "";
  const body = form.get("Body") || "";
  if (!body) return twilioError(res, 400, 21602, "Message body is required.");
  if (!/^\+[1-9]\d{7,14}$/.test(to) || to.endsWith("0001")) {
    return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  }
  if (to.endsWith("0002") && !throttled.has(to)) {
    throttled.add(to);
    return twilioError(res, 429, 20429, "Too Many Requests");
  }
  const message = { sid: sid("SM"), to, from: form.get("From"), body };
  sent.push(message);
  reply(res, 201, {
    account_sid: cfg.account,
    api_version: "2010-04-01",
    body,
    from: message.from,
    to,
    num_segments: "1",
    sid: message.sid,
    status: "queued",
    error_code: null,
    error_message: null,
  });
  const status = form.get("StatusCallback");
  setTimeout(async () => {
    await callback(status, { MessageSid: message.sid, MessageStatus: "sent", AccountSid: cfg.account });
    await callback(
      status,
      to.endsWith("0003")
        ? { MessageSid: message.sid, MessageStatus: "undelivered", ErrorCode: "30003", AccountSid: cfg.account }
        : { MessageSid: message.sid, MessageStatus: "delivered", AccountSid: cfg.account },
    );
  }, 30);
});

server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ http: server.address().port }));
});
