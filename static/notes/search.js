// Tag suggestions for the search form: fills the tag field's <datalist> from the
// JSON endpoint as the reader types. Without this script the field still takes
// any tag name.
"use strict";
document.querySelectorAll("input[data-suggest-url][list]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  let timer = null;
  let pending = null;
  let asked = null;

  const suggest = async () => {
    const text = input.value.trim();
    if (text === asked) return;
    asked = text;
    if (pending) pending.abort();
    pending = new AbortController();
    const url = `${input.dataset.suggestUrl}?q=${encodeURIComponent(text)}`;
    try {
      const response = await fetch(url, {
        signal: pending.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const { tags } = await response.json();
      list.replaceChildren(
        ...tags.map((name) => {
          const option = document.createElement("option");
          option.value = name;
          return option;
        }),
      );
    } catch (error) {
      // A newer keystroke aborted this request, or the network failed: keep the old list.
    }
  };

  input.addEventListener("focus", suggest);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
});
