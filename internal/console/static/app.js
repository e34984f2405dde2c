// ddblocal console: small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Query fields only matter in Query mode, and only the chosen index's
  // key fields are sent. Sort attributes take conditions left to right: a
  // condition on one only after equality on every one before it.
  var form = document.getElementById("query-form");
  if (form) {
    var mode = document.getElementById("mode");
    var index = document.getElementById("index");
    var sync = function () {
      var query = mode.value === "query";
      form.querySelectorAll(".query-only").forEach(function (el) { el.hidden = !query; });
      form.querySelectorAll("fieldset.key").forEach(function (fs) {
        fs.disabled = !query || fs.getAttribute("data-index") !== index.value;
        fs.hidden = fs.disabled;
        fs.querySelectorAll("input[name=pk]").forEach(function (el) { el.required = true; });
        var open = true;
        fs.querySelectorAll(".sort").forEach(function (row) {
          var op = row.querySelector("select");
          if (!open) op.value = "";
          row.hidden = !open;
          row.querySelector("input[name=sk]").hidden = op.value === "";
          row.querySelector("input[name=sk2]").hidden = op.value !== "between";
          open = op.value === "=";
        });
      });
    };
    form.addEventListener("change", sync);
    form.addEventListener("submit", sync);
    sync();
  }

  // Buttons that destroy ask first.
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // The activity view polls for new requests.
  var rows = document.getElementById("activity-rows");
  if (rows) {
    var after = Number(rows.getAttribute("data-after")) || 0;
    var pad = function (n, w) { return String(n).padStart(w, "0"); };
    var cell = function (tr, text, cls) {
      var td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    };
    var poll = function () {
      fetch("/console/activity.json?after=" + after, { cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (recs) {
          recs.forEach(function (rec) {
            var t = new Date(rec.time);
            var tr = document.createElement("tr");
            if (rec.status >= 400) tr.className = "failed";
            cell(tr, pad(t.getUTCHours(), 2) + ":" + pad(t.getUTCMinutes(), 2) + ":" +
              pad(t.getUTCSeconds(), 2) + "." + pad(t.getUTCMilliseconds(), 3));
            cell(tr, rec.operation);
            cell(tr, rec.table || "");
            cell(tr, rec.status + (rec.error ? " " + rec.error : ""));
            cell(tr, (rec.duration / 1e6).toFixed(1) + " ms", "num");
            cell(tr, rec.consumedCapacity ? String(rec.consumedCapacity) : "", "num");
            rows.insertBefore(tr, rows.firstChild);
            after = rec.seq;
          });
          while (rows.children.length > 500) rows.removeChild(rows.lastChild);
        })
        .catch(function () {})
        .finally(function () { setTimeout(poll, 1000); });
    };
    setTimeout(poll, 1000);
  }
});
