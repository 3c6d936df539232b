// sipe: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
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
    const url = `${input.dataset.suggest}?q=${encodeURIComponent(q)}&limit=10`;
    try {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) {
        return;
      }
      const body = await res.json();
      list.replaceChildren(
        ...body.items.map((item) => {
          const option = document.createElement("option");
          option.value = `${item.label} (${item.code})`;
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
// Pages showing work in progress (imports) refresh themselves while it runs.
const autorefresh = document.querySelector("[data-autorefresh]");
if (autorefresh) {
  setTimeout(() => window.location.reload(), Number(autorefresh.dataset.autorefresh) * 1000);
}
