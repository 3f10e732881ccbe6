// Live findings on the document form: ask the API how the text fits the municipality's
// definitions while the registrator types. Progressive enhancement: without JavaScript the
// "Kontrollera mot reglerna" button does the same on the server.
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  var region = document.getElementById("live-findings");
  if (!form || !region || !window.fetch) { return; }
  var url = form.getAttribute("data-live-findings");
  var timer = null;
  var labels = { error: "Fel", warning: "Varning", info: "Upplysning" };

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && field.value ? field.value : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function render(result) {
    var list = el("ul", "findings");
    result.findings.forEach(function (f) {
      if (f.severity === "info" && f.code !== "related_documents" && f.code !== "thin_evidence") { return; }
      var item = el("li", "finding finding-" + f.severity);
      var p = el("p");
      p.appendChild(el("span", "badge badge-" + f.severity, labels[f.severity]));
      p.appendChild(document.createTextNode(" " + f.message));
      item.appendChild(p);
      if (f.clause && f.clause.text) {
        var quote = el("blockquote", "definition");
        quote.appendChild(el("p", null, "”" + f.clause.text + "”"));
        quote.appendChild(el("footer", null, f.clause.source));
        item.appendChild(quote);
      }
      list.appendChild(item);
    });
    region.textContent = "";
    if (!list.children.length) {
      region.appendChild(el("p", null, "Inga avvikelser: innehållet stämmer med definitionen" +
        (result.best_fit ? " (bäst: " + result.best_fit + ")." : ".")));
      return;
    }
    region.appendChild(list);
  }

  function check() {
    var text = [value("title"), value("summary"), value("full_text"), value("sections_text").replace(/^## /gm, "")]
      .filter(Boolean).join("\n\n");
    if (!text.trim()) { return; }
    var body = { text: text };
    if (value("type")) { body.type = value("type"); }
    if (value("adopted_by")) { body.adopted_by = value("adopted_by"); }
    // The page's own CSRF token: the API takes the login cookie only together with it.
    var token = form.querySelector("input[name=csrf_token]");
    var headers = { "Content-Type": "application/json" };
    if (token) { headers["X-CSRF-Token"] = token.value; }
    fetch(url, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) { if (result) { render(result); } })
      .catch(function () { /* the server-side button still works */ });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 600);
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 200);
  });
}());
