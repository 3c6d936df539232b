// sipe: small progressive enhancements; every page works without this file.
"use strict";
// A form asks before it is sent when it has data-confirm, or when one of its selects
// with data-confirm-values has one of those values chosen (its data-confirm asks).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  let question = form.dataset.confirm;
  for (const select of form.querySelectorAll("select[data-confirm-values]")) {
    if (select.dataset.confirmValues.split(",").includes(select.value)) {
      question = select.dataset.confirm;
    }
  }
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Type-ahead: inputs with data-suggest fill their datalist from the server as the user
// types. The server also resolves free text, so the form works without this.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.suggest || !input.list) {
    return;
  }
  const list = input.list;
  clearTimeout(input._suggestTimer);
  input._suggestTimer = setTimeout(async () => {
    const q = input.value.trim();
    if (q.length < 2 || q.endsWith(")")) {
      return;
    }
    const url = new URL(input.dataset.suggest, window.location.href);
    url.searchParams.set("q", q);
    url.searchParams.set("limit", "10");
    try {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) {
        return;
      }
      const body = await res.json();
      list.replaceChildren(
        ...body.items.map((item) => {
          const option = document.createElement("option");
          // Skills go by their (unique) label; occupations show their ISCO code.
          option.value = "suggestPlain" in input.dataset ? item.label : `${item.label} (${item.code})`;
          if (item.matched) {
            option.label = item.matched;
          }
          return option;
        }),
      );
    } catch {
      // Offline or refused: the server resolves what was typed on submit.
    }
  }, 150);
});
// A form sent back with problems: the first field with one takes the focus (its
// message is tied to it by aria-describedby, so it is read out).
// A problem of a group of fields, not of one, is a focusable message of its own.
const invalid = document.querySelector(
  "form [aria-invalid=\"true\"], form .field-error[tabindex=\"-1\"]",
);
if (invalid) {
  invalid.focus();
}
// Print buttons (a printed document's own page; without this file, the browser's menu).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
// Pages showing work in progress (imports) refresh themselves while it runs.
const autorefresh = document.querySelector("[data-autorefresh]");
if (autorefresh) {
  setTimeout(() => window.location.reload(), Number(autorefresh.dataset.autorefresh) * 1000);
}
// Navigation: on wide screens the menu is open; one area's dropdown at a time, closed
// by Escape, a click elsewhere or the focus leaving it. Without this file the summaries
// still open and close.
const menu = document.querySelector("[data-menu]");
if (menu) {
  const wide = window.matchMedia("(min-width: 48rem)");
  menu.open = wide.matches;
  wide.addEventListener("change", () => { menu.open = wide.matches; });
  const areas = [...menu.querySelectorAll("details[data-area]")];
  for (const area of areas) {
    area.addEventListener("toggle", () => {
      if (area.open && wide.matches) {
        areas.filter((a) => a !== area).forEach((a) => { a.open = false; });
      }
    });
    // A dropdown left open would cover the field the keyboard moved to.
    area.addEventListener("focusout", (event) => {
      if (wide.matches && !area.contains(event.relatedTarget)) {
        area.open = false;
      }
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
      return;
    }
    const inUse = document.activeElement?.closest?.("details[data-area]");
    const open = inUse && inUse.open ? inUse : areas.find((a) => a.open && wide.matches);
    if (open) {
      open.open = false;
      open.querySelector("summary")?.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (wide.matches && !menu.contains(event.target)) {
      areas.forEach((a) => { a.open = false; });
    }
  });
}
// SMS counter: a textarea with data-sms-counter shows, as it is written, the encoding,
// units, segments and cost the server computes (the counter's element holds the parts).
for (const area of document.querySelectorAll("textarea[data-sms-counter]")) {
  const out = document.getElementById(area.dataset.smsCounter);
  const form = area.form;
  const translit = form && form.querySelector("[data-sms-transliterate]");
  const csrf = form && form.querySelector("input[name=_csrf]");
  if (!out || !csrf) {
    continue;
  }
  let timer;
  let asked = 0;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      // Only the newest question's answer is shown (answers may come back out of order).
      const mine = ++asked;
      try {
        const res = await fetch("/messaging/sms-preview", {
          method: "POST",
          credentials: "same-origin",
          body: new URLSearchParams({
            _csrf: csrf.value,
            text: area.value,
            transliterate: translit && translit.checked ? "on" : "",
          }),
        });
        if (!res.ok) {
          return;
        }
        const body = await res.json();
        if (mine !== asked) {
          return;
        }
        for (const part of ["encoding", "units", "segments", "cost", "replaced"]) {
          const el = out.querySelector(`[data-part="${part}"]`);
          if (el) {
            el.textContent = body[part];
          }
        }
        // Characters sent as "?" are named, not silently lost.
        const replaced = out.querySelector(".sms-replaced");
        if (replaced) {
          replaced.hidden = !body.replaced;
        }
        out.dataset.encoding = body.encoding;
      } catch {
        // Offline: the page shows the count of the text it was loaded with.
      }
    }, 150);
  };
  area.addEventListener("input", update);
  if (translit) {
    translit.addEventListener("change", update);
  }
}
