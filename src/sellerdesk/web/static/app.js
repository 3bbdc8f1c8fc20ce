// sellerdesk: live countdowns and keyboard shortcuts. No inline script anywhere (strict CSP).
(function () {
  "use strict";
  var HOUR = 3600, URGENT = 2 * HOUR, SOON = 6 * HOUR;
  var LEVELS = ["level-ok", "level-soon", "level-urgent", "level-late"];

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function render(el, now) {
    var body = document.body.dataset;
    var left = Math.floor((Date.parse(el.dataset.due) - now) / 1000);
    var level = left <= 0 ? "level-late" : left < URGENT ? "level-urgent" : left < SOON ? "level-soon" : "level-ok";
    var abs = Math.abs(left), h = Math.floor(abs / HOUR), m = Math.floor((abs % HOUR) / 60), s = abs % 60;
    var text = h ? h + body.unitH + " " + pad(m) + body.unitM : m + body.unitM + " " + pad(s) + body.unitS;
    el.textContent = left <= 0 ? body.late + " " + text : text;
    LEVELS.forEach(function (c) { el.classList.toggle(c, c === level); });
    var row = el.closest("tr.row");
    if (row) { LEVELS.forEach(function (c) { row.classList.toggle(c, c === level); }); }
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) { render(el, now); });
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.row[data-href]")); }

  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    var at = list.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(list.length - 1, at + step));
    list.forEach(function (r) { r.classList.remove("selected"); });
    list[next].classList.add("selected");
    list[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "j") { move(1); }
    else if (event.key === "k") { move(-1); }
    else if (event.key === "Enter") {
      var selected = document.querySelector("tr.row.selected");
      if (selected) { window.location.assign(selected.dataset.href); }
    } else if (event.key === "/") {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tr.row[data-href]");
    if (row && !event.target.closest("a")) { window.location.assign(row.dataset.href); }
  });

  // htmx requests carry the CSRF token as a header (the page's forms carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
  });
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 1000); });
})();
