// Live preview of a note's body in the admin: re-renders on the server a moment
// after typing stops, so the preview uses exactly the renderer the site uses.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("id_body");
  const format = document.getElementById("id_format");
  const preview = document.querySelector(".note-preview");
  if (!body || !preview) return;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  const url = new URL(preview.dataset.previewUrl, window.location.href);
  let timer = null;
  const refresh = async () => {
    const form = new FormData();
    form.append("body", body.value);
    if (format) form.append("format", format.value);
    const response = await fetch(url, {
      method: "POST",
      body: form,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      credentials: "same-origin",
    });
    if (response.ok) {
      // The server sanitised this HTML with the same allowlist as saved notes.
      preview.innerHTML = (await response.json()).html;
    }
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  if (format) format.addEventListener("change", refresh);
});
