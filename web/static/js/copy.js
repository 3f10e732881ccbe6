// "Kopiera att-satsen": copies the suggested att-sats and says so where a screen reader hears it.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    var status = document.getElementById(button.getAttribute("data-status"));
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var text = source ? source.textContent.trim() : "";
      var done = function () { if (status) { status.textContent = "Att-satsen är kopierad."; } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {
          if (status) { status.textContent = "Det gick inte att kopiera; markera texten och kopiera den själv."; }
        });
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand("copy");
        done();
      }
    });
  });
})();
