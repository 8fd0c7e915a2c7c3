// The review page's keys: Space shows the answer, 1-4 rate the card. Without this
// script the same page works with the mouse, touch and Tab (a <details> and a form).
(function () {
  "use strict";
  var answer = document.getElementById("review-answer");
  if (!answer) return;
  var typing = function (target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
  };
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === " " && !answer.open) {
      // A focused button or link keeps its own Space; elsewhere, Space reveals.
      if (event.target.closest && event.target.closest("a, button")) return;
      event.preventDefault();
      answer.open = true;
      var first = answer.querySelector(".review-rating-3") || answer.querySelector("button");
      if (first) first.focus();
      return;
    }
    if (answer.open && /^[1-4]$/.test(event.key)) {
      var button = answer.querySelector('button[data-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
