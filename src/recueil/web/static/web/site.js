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
})();
