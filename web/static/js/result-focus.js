// After "Bedöm" the page comes back with the result: move focus to it and bring it into view,
// so a politician (and a screen reader) sees that something happened.
(function () {
  "use strict";
  var result = document.getElementById("result");
  if (result) {
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "start" });
  }
})();
