// After "Bedöm" (or a save that needs a confirmation) the page comes back with what to read next:
// move focus to it and bring it into view, so the reader (and a screen reader) sees it.
(function () {
  "use strict";
  // The first of: the /prova result, the form's "save anyway?" question.
  var result = document.getElementById("result") || document.getElementById("confirm-errors");
  if (result) {
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "start" });
  }
})();
