// An SMSC from another implementation (the npm `smpp` package's server) that the
// messaging tests and benchmarks send real SMPP to. It binds any transceiver, answers
// enquire_link, accepts submit_sm (joining the parts of a long message by their UDH
// reference), and a moment later sends a delivery receipt by deliver_sm: DELIVRD, or
// UNDELIV for a number ending in 0003. It refuses for good (ESME_RINVDSTADR) a number
// ending in 0001, and throttles once (ESME_RTHROTTLED) one ending in 0002.
//
// Control over HTTP (JSON), on the port printed with the SMPP one on the first line
// ({"smpp":P,"http":Q}):
//   GET  /messages          every message received, joined: {id, to, text, coding, parts}
//   GET  /stats             {messages, submits, recipients, duplicates, sessions, binds}
//   POST /inbound           {"from": "5493815550000", "text": "BAJA"}: a person writes
//   POST /drop              closes every session (the client must reconnect)
//   POST /receipts          {"on": false} holds receipts back (true sends them again)
//
//   node tests/counterparts/smpp_server.mjs [smpp-port]
import http from "node:http";
import smpp from "smpp";

const messages = []; // joined messages
const partial = new Map(); // `${to}:${ref}` -> {parts: [], total}
const perRecipient = new Map();
const throttled = new Set();
const sessions = new Set();
let submits = 0;
let binds = 0;
let nextId = 1;
let receiptsOn = true;
const heldReceipts = [];

function smppTime(d) {
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

function record(to, text, coding, parts) {
  messages.push({ to, text, coding, parts });
  perRecipient.set(to, (perRecipient.get(to) || 0) + 1);
}

function receipt(session, pdu, id) {
  const stat = pdu.destination_addr.endsWith("0003") ? "UNDELIV" : "DELIVRD";
  const now = smppTime(new Date());
  const send = () =>
    session.deliver_sm({
      source_addr: pdu.destination_addr,
      source_addr_ton: 1,
      destination_addr: pdu.source_addr,
      esm_class: 0x04,
      short_message: `id:${id} sub:001 dlvrd:${stat === "DELIVRD" ? "001" : "000"} submit date:${now} done date:${now} stat:${stat} err:${stat === "DELIVRD" ? "000" : "001"} text:`,
      receipted_message_id: id,
      message_state: stat === "DELIVRD" ? 2 : 5,
    });
  if (receiptsOn) setTimeout(send, 20);
  else heldReceipts.push(send);
}

const server = smpp.createServer({ debug: false }, (session) => {
  sessions.add(session);
  session.on("close", () => sessions.delete(session));
  session.on("error", () => sessions.delete(session));
  session.on("bind_transceiver", (pdu) => {
    binds += 1;
    session.send(pdu.response({ system_id: "counterpart" }));
  });
  session.on("enquire_link", (pdu) => session.send(pdu.response()));
  session.on("unbind", (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on("deliver_sm_resp", () => {});
  session.on("submit_sm", (pdu) => {
    submits += 1;
    const to = pdu.destination_addr;
    if (to.endsWith("0001")) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    if (to.endsWith("0002") && !throttled.has(to)) {
      throttled.add(to);
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    const id = (nextId++).toString(16).padStart(8, "0");
    session.send(pdu.response({ message_id: id }));
    const sm = pdu.short_message;
    const text = typeof sm === "object" && sm !== null && "message" in sm ? sm.message : String(sm);
    const udh = sm && sm.udh ? sm.udh : null;
    // A concatenation element: IEI 0x00 (8-bit ref) or 0x08 (16-bit ref).
    let concat = null;
    if (udh) {
      const b = Buffer.isBuffer(udh) ? udh : Buffer.from(udh[0] || []);
      if (b[0] === 0x00) concat = { ref: b[2], total: b[3], seq: b[4] };
      if (b[0] === 0x08) concat = { ref: b.readUInt16BE(2), total: b[4], seq: b[5] };
    }
    if (!concat) {
      record(to, text, pdu.data_coding, 1);
    } else {
      const key = `${to}:${concat.ref}`;
      const entry = partial.get(key) || { parts: [], total: concat.total };
      entry.parts[concat.seq - 1] = text;
      partial.set(key, entry);
      if (entry.parts.filter((p) => p !== undefined).length === entry.total) {
        partial.delete(key);
        record(to, entry.parts.join(""), pdu.data_coding, entry.total);
      }
    }
    receipt(session, pdu, id);
  });
});

function body(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch {
        resolve({});
      }
    });
  });
}

const api = http.createServer(async (req, res) => {
  res.setHeader("content-type", "application/json");
  if (req.method === "GET" && req.url === "/messages") return res.end(JSON.stringify(messages));
  if (req.method === "GET" && req.url === "/stats") {
    let duplicates = 0;
    for (const n of perRecipient.values()) if (n > 1) duplicates += n - 1;
    return res.end(
      JSON.stringify({ messages: messages.length, submits, recipients: perRecipient.size, duplicates, sessions: sessions.size, binds }),
    );
  }
  if (req.method === "POST" && req.url === "/inbound") {
    const { from, text } = await body(req);
    let sent = 0;
    for (const s of sessions) {
      s.deliver_sm({ source_addr: from, source_addr_ton: 1, source_addr_npi: 1, destination_addr: "SIPE", short_message: text });
      sent += 1;
    }
    return res.end(JSON.stringify({ sent }));
  }
  if (req.method === "POST" && req.url === "/drop") {
    const n = sessions.size;
    for (const s of sessions) s.close();
    return res.end(JSON.stringify({ dropped: n }));
  }
  if (req.method === "POST" && req.url === "/receipts") {
    const { on } = await body(req);
    receiptsOn = on !== false;
    if (receiptsOn) heldReceipts.splice(0).forEach((f) => f());
    return res.end(JSON.stringify({ on: receiptsOn }));
  }
  res.statusCode = 404;
  res.end("{}");
});

const port = Number(process.argv[2] || 0);
server.listen(port, "127.0.0.1", () => {
  api.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ smpp: server.address().port, http: api.address().port }));
  });
});
