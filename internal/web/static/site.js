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
  // The reply editor saves its draft as the advisor types. The server
  // refuses a save made from an older draft than the stored one (another
  // advisor's), and says so here; the "Save the draft" button does the
  // same without JavaScript.
  var editor = document.querySelector("textarea[data-autosave]");
  if (editor && window.fetch) {
    var form = editor.form, status = document.getElementById("draft-status"), timer = null, stopped = false;
    var save = function () {
      if (stopped) { return; }
      var data = new FormData(form);
      data.set("action", "draft");
      fetch(editor.getAttribute("data-autosave"), { method: "POST", body: new URLSearchParams(data),
        headers: { "X-Autosave": "1" }, credentials: "same-origin" }).then(function (res) {
        if (res.status === 204) {
          form.elements.version.value = res.headers.get("X-Draft-Version");
          status.textContent = "Draft saved.";
          return;
        }
        return res.text().then(function (msg) {
          if (res.status === 409) { stopped = true; }
          status.textContent = msg + (res.status === 409 ? " Use “Save the draft” to see their text." : "");
        });
      }).catch(function () { status.textContent = "The draft could not be saved just now."; });
    };
    editor.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    });
    // "Quote the selection": the passage of the letter selected is added
    // to the reply as a Markdown quote, where the cursor is.
    var quote = document.getElementById("quote-selection"), letter = document.querySelector(".letter-read");
    if (quote && letter) {
      // The selection is kept as it is made: pressing the button may clear it.
      var selected = "";
      document.addEventListener("selectionchange", function () {
        var sel = window.getSelection();
        if (sel && sel.rangeCount && letter.contains(sel.anchorNode) && String(sel).trim()) {
          selected = String(sel).trim();
        }
      });
      quote.hidden = false;
      quote.addEventListener("click", function () {
        var text = selected;
        if (!text) { status.textContent = "Select a passage of the letter first."; return; }
        var quoted = "> " + text.split(/\n/).join("\n> ") + "\n\n";
        var at = editor.selectionStart || editor.value.length;
        var before = editor.value.slice(0, at);
        if (before && !/\n\n$/.test(before)) { quoted = (/\n$/.test(before) ? "\n" : "\n\n") + quoted; }
        editor.value = before + quoted + editor.value.slice(at);
        editor.focus();
        editor.selectionStart = editor.selectionEnd = (before + quoted).length;
        editor.dispatchEvent(new Event("input"));
      });
    }
  }
})();
