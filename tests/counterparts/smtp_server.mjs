// An SMTP server from another implementation (nodemailer's smtp-server) that the
// messaging tests send real mail to. It keeps every message it accepts and shows them
// at GET http://127.0.0.1:<http>/messages as JSON; it refuses for good (550) a
// recipient whose address starts with "rechazo", and refuses once for now (451) one
// that starts with "demora" (the sender must retry). Prints {"smtp":P,"http":Q} on its
// first line.
//
//   node tests/counterparts/smtp_server.mjs
import http from "node:http";
import { SMTPServer } from "smtp-server";

const messages = [];
const delayed = new Set();

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(address, session, callback) {
    const to = address.address.toLowerCase();
    if (to.startsWith("rechazo")) {
      const err = new Error("mailbox unavailable");
      err.responseCode = 550;
      return callback(err);
    }
    if (to.startsWith("demora") && !delayed.has(to)) {
      delayed.add(to);
      const err = new Error("try again later");
      err.responseCode = 451;
      return callback(err);
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      messages.push({
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString("utf8"),
      });
      callback(null, `queued as ${messages.length}`);
    });
  },
});

const api = http.createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(messages));
});

smtp.listen(0, "127.0.0.1", () => {
  api.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ smtp: smtp.server.address().port, http: api.address().port }));
  });
});
