// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The site's contact address is never in a page as text a harvester
  // reads: the page says it in words ("name at example dot org") and keeps
  // its two halves reversed in data attributes; here they become a link.
  document.querySelectorAll("[data-contact-u]").forEach(function (el) {
    var rev = function (s) { return s.split("").reverse().join(""); };
    var addr = rev(el.getAttribute("data-contact-u")) + "@" + rev(el.getAttribute("data-contact-d"));
    var a = document.createElement("a");
    a.href = "mailto:" + addr;
    a.textContent = addr;
    el.replaceWith(a);
  });
  // The moderation queue: one box selects every comment on the page.
  var all = document.getElementById("select-all");
  if (all) {
    all.hidden = false;
    all.querySelector("input").addEventListener("change", function (e) {
      document.querySelectorAll('input[name="id"]').forEach(function (box) { box.checked = e.target.checked; });
    });
  }
})();
