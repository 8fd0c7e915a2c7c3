// Live preview of a note's body in the admin: re-renders on the server a moment
// after typing stops, so the preview uses exactly the renderer the site uses.
// One request at a time: a newer one aborts the older. The server renders one
// preview per user at a time and answers 429 while the last is still being made
// (aborting a fetch does not stop the server): the request is sent again when the
// server says that one should have answered.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("id_body");
  const format = document.getElementById("id_format");
  const preview = document.querySelector(".note-preview");
  if (!body || !preview) return;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  const url = new URL(preview.dataset.previewUrl, window.location.href);
  let timer = null;
  let pending = null;

  const pause = (seconds, signal) =>
    new Promise((resolve, reject) => {
      const wait = setTimeout(resolve, seconds * 1000);
      signal.addEventListener("abort", () => {
        clearTimeout(wait);
        reject(signal.reason);
      });
    });

  const showError = (message) => {
    // A sentence from the server (a body too complex to render), shown as text.
    const note = document.createElement("p");
    note.className = "errornote";
    note.setAttribute("role", "alert");
    note.textContent = message;
    preview.replaceChildren(note);
  };

  const refresh = async () => {
    if (pending) pending.abort();
    const mine = (pending = new AbortController());
    const form = new FormData();
    form.append("body", body.value);
    if (format) form.append("format", format.value);
    try {
      for (;;) {
        const response = await fetch(url, {
          method: "POST",
          body: form,
          headers: { "X-CSRFToken": csrf ? csrf.value : "" },
          credentials: "same-origin",
          signal: mine.signal,
        });
        if (response.status === 429) {
          await pause(Number(response.headers.get("Retry-After")) || 1, mine.signal);
          continue;
        }
        if (response.ok || response.status === 422) {
          const answer = await response.json();
          // The server sanitised this HTML with the same allowlist as saved notes.
          if (answer.html !== undefined) preview.innerHTML = answer.html;
          else if (answer.error) showError(answer.error);
        }
        return;
      }
    } catch (error) {
      // A newer preview aborted this one, or the network failed: keep what is shown.
    } finally {
      if (pending === mine) pending = null;
    }
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  if (format) format.addEventListener("change", refresh);
});
