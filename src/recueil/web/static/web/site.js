/* recueil web: the copy-citation button (progressive enhancement; the text stays selectable). */
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy refused"));
      } catch (err) {
        reject(err);
      } finally {
        document.body.removeChild(area);
      }
    });
  }
  // "Back to the previous page" (error pages): the browser's history when there is one;
  // without script or history the link leads home (no javascript: URL, which CSP blocks).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  // On a phone the facets come before the results: fold those without a selected value.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 48rem)").matches) return;
    document.querySelectorAll("details.facet").forEach(function (d) {
      if (!d.querySelector("a.selected")) d.removeAttribute("open");
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.closest("section").querySelector(".copy-status");
    var text = source.textContent.trim();
    copyText(text).then(function () {
      button.setAttribute("data-state", "copied");
      if (status) status.textContent = button.getAttribute("data-copied");
    }, function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    });
  });
  // Review queue keyboard: j/k move between suggestions, a accept, r reject, t add a theme.
  // Buttons and fields stay the real controls; keys only click or focus them.
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-review] tr.suggestion")); }
  function focusRow(row) { if (row) { row.focus(); row.scrollIntoView({block: "nearest"}); } }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector("[data-review]")) return;
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) focusRow(target.querySelector("tr.suggestion") || target);
  });
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-review]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var all = rows();
    var current = event.target.closest ? event.target.closest("tr.suggestion") : null;
    var i = current ? all.indexOf(current) : -1;
    var item = event.target.closest ? event.target.closest(".review-item") : null;
    if (event.key === "j" || event.key === "k") {
      focusRow(all[event.key === "j" ? Math.min(i + 1, all.length - 1) : Math.max(i - 1, 0)]);
      event.preventDefault();
    } else if ((event.key === "a" || event.key === "r") && current) {
      current.querySelector("button[data-key='" + event.key + "']").click();
      event.preventDefault();
    } else if (event.key === "t" && item) {
      var field = item.querySelector("input[data-key='t']");
      if (field) { field.focus(); event.preventDefault(); }
    }
  });
})();
