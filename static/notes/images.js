// An image of a note that cannot load (an old blog's image host gone, no network)
// becomes a link to it, named by its alt text, instead of a broken-image icon.
// Without this script the browser shows the alt text itself.
"use strict";
(() => {
  const replace = (image) => {
    if (!image.closest(".prose") || !image.parentNode) return;
    const link = document.createElement("a");
    link.className = "image-fallback";
    link.href = image.currentSrc || image.src;
    link.textContent = image.alt || link.href;
    link.title = link.href;
    image.replaceWith(link);
  };
  // Errors do not bubble: caught on the way down, for images that fail later (lazy).
  document.addEventListener("error", (event) => {
    if (event.target instanceof HTMLImageElement) replace(event.target);
  }, true);
  // Images that failed before this script ran.
  document.querySelectorAll(".prose img").forEach((image) => {
    if (image.complete && image.naturalWidth === 0 && image.src) replace(image);
  });
})();
