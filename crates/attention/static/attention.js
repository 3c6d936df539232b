// Attention's pages: the office display (server-sent events, chime, speech), the
// ticket page (refresh, print, back to the kiosk).
"use strict";

(function display() {
  const root = document.querySelector("[data-display]");
  if (!root) return;
  const office = root.dataset.office;
  let after = root.dataset.after || "0";
  const now = root.querySelector("[data-now-number]");
  const counter = root.querySelector("[data-now-counter]");
  const recent = root.querySelector("[data-recent]");
  const state = root.querySelector("[data-state]");
  let audio = null;

  // Browsers play sound only after a touch or click on the page.
  const sound = root.querySelector("[data-sound]");
  if (sound) {
    sound.addEventListener("click", () => {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
      sound.hidden = true;
    });
  }

  function chime() {
    if (!audio) return;
    [660, 880].forEach((hz, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const at = audio.currentTime + i * 0.35;
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    });
  }

  function say(call) {
    if (!("speechSynthesis" in window)) return;
    const [prefix, seq] = call.number.split("-");
    const text = `${root.dataset.sayTicket} ${prefix} ${Number(seq)}, ${call.counter}`;
    const u = new SpeechSynthesisUtterance(text);
    u.lang = root.dataset.lang || "es-AR";
    window.speechSynthesis.speak(u);
  }

  function show(call) {
    // A recall of the number on screen only calls it again.
    const again = call.recall && now.textContent.trim() === call.number;
    if (!again && now.textContent.trim() !== "—") {
      const li = document.createElement("li");
      const strong = document.createElement("strong");
      strong.textContent = now.textContent;
      const span = document.createElement("span");
      span.textContent = counter.textContent;
      li.append(strong, " ", span);
      for (const old of recent.querySelectorAll("li")) {
        if (old.querySelector("strong").textContent === strong.textContent) old.remove();
      }
      recent.prepend(li);
      while (recent.children.length > 7) recent.lastElementChild.remove();
    }
    now.textContent = call.number;
    counter.textContent = call.counter;
    root.classList.remove("flash-call");
    void root.offsetWidth;
    root.classList.add("flash-call");
    // Calls missed while offline are shown, not announced: the person has gone.
    if (Date.now() - Date.parse(call.at) > 60000) return;
    chime();
    setTimeout(() => say(call), 700);
  }

  let source = null;
  function connect() {
    source = new EventSource(`/offices/${encodeURIComponent(office)}/display/events?after=${after}`);
    source.addEventListener("open", () => {
      state.textContent = state.dataset.online;
      state.classList.remove("offline");
    });
    source.addEventListener("call", (e) => {
      after = e.lastEventId || after;
      root.dataset.calls = String(Number(root.dataset.calls || 0) + 1);
      show(JSON.parse(e.data));
    });
    source.addEventListener("error", () => {
      state.textContent = state.dataset.offline;
      state.classList.add("offline");
      // The browser retries by itself (sending Last-Event-ID) unless the server said
      // no; then try again later from the last call shown.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 5000);
      }
    });
  }
  connect();
})();

(function ticketPage() {
  const t = document.querySelector("[data-testid=ticket]");
  if (!t) return;
  if (t.hasAttribute("data-print")) {
    window.addEventListener("load", () => window.print());
  }
  const back = t.dataset.kioskReturn;
  if (back) {
    setTimeout(() => window.location.assign(back), 20000);
  } else if (t.dataset.refresh && !t.hasAttribute("data-print")) {
    setTimeout(() => window.location.reload(), Number(t.dataset.refresh) * 1000);
  }
})();

(function phonePage() {
  const box = document.querySelector("[data-phone-popups]");
  if (!box) return;
  const state = document.querySelector("[data-phone-state]");
  const template = box.querySelector("[data-popup-template]");
  let since = box.dataset.since;
  const MAX = 3;

  function close(card) {
    card.remove();
    const next = box.querySelector(".phone-popup");
    (next || state).focus?.();
  }

  // Text only (never HTML): the names come from people's records. Each call is its own
  // card, newest first, so two calls answered in a row both stay at hand.
  function show(call) {
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector("[data-popup-number]").textContent = call.number || box.dataset.hidden;
    card.querySelector("[data-popup-at]").textContent = new Date(call.at).toLocaleTimeString(document.documentElement.lang || "es-AR", { hour: "2-digit", minute: "2-digit" });
    const people = card.querySelector("[data-popup-people]");
    if (call.people.length === 0) {
      const li = document.createElement("li");
      li.textContent = call.number ? box.dataset.none : box.dataset.unknown;
      if (call.number && box.dataset.register) {
        const a = document.createElement("a");
        a.href = "/persons/new";
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = box.dataset.register;
        li.append(" ", a);
      }
      people.append(li);
    }
    for (const p of call.people) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = p.href;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = p.name;
      a.title = box.dataset.newTab;
      a.dataset.testid = "popup-person";
      li.append(a, ` · ${p.document}`);
      people.append(li);
    }
    const open = card.querySelector("[data-popup-interaction]");
    open.hidden = !call.interaction;
    if (call.interaction) {
      open.href = call.interaction;
      open.title = box.dataset.newTab;
    }
    card.querySelector("[data-popup-close]").addEventListener("click", () => close(card));
    card.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close(card);
    });
    template.after(card);
    while (box.querySelectorAll(".phone-popup").length > MAX) {
      box.querySelector(".phone-popup:last-of-type").remove();
    }
    box.dataset.calls = String(Number(box.dataset.calls || 0) + 1);
    card.focus();
  }

  let source = null;
  function connect() {
    source = new EventSource(`/attention/phone/events?since=${since}`);
    source.addEventListener("open", () => {
      state.textContent = state.dataset.online;
    });
    source.addEventListener("answered", (e) => {
      since = e.lastEventId || since;
      show(JSON.parse(e.data));
    });
    source.addEventListener("error", () => {
      state.textContent = state.dataset.offline;
      // Refused (the session ended, say): the page itself shows why (the login).
      if (source.readyState === EventSource.CLOSED) setTimeout(() => window.location.reload(), 5000);
    });
  }
  connect();
})();
