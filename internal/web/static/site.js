// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The page brings the words the script writes, in the site's language
  // (data-msg on <body>); English stands in if it has none.
  var msgs = {};
  try { msgs = JSON.parse(document.body.getAttribute("data-msg") || "{}"); } catch (e) { msgs = {}; }
  var say = function (id, english) { return msgs[id] || english; };
  // Leave this site: the button replaces this page in the history, so
  // "back" does not return here; Escape pressed three times (outside a
  // text field) does the same. Without JavaScript the button is a link.
  var exit = document.querySelector("a[data-quick-exit]");
  if (exit) {
    var leave = function (e) {
      if (e) { e.preventDefault(); }
      document.body.hidden = true;
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var presses = [];
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") { return; }
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
      var now = Date.now();
      presses = presses.filter(function (at) { return now - at < 1500; });
      presses.push(now);
      if (presses.length >= 3) { leave(); }
    });
  }
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
          status.textContent = say("draft_saved", "Draft saved.");
          return;
        }
        return res.text().then(function (msg) {
          if (res.status === 409) { stopped = true; }
          status.textContent = msg + (res.status === 409 ? say("conflict", " Use “Save the draft” to see their text.") : "");
        });
      }).catch(function () { status.textContent = say("draft_unsaved", "The draft could not be saved just now."); });
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
        if (!text) { status.textContent = say("select_first", "Select a passage of the letter first."); return; }
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
  // The crisis note while a person types (letters, follow-ups, comments):
  // the same word lists as the server, matched here on the device, so that
  // nothing is sent while they write; on a match, a calm note with their
  // country's helplines appears beside the form. The server reads the text
  // again when it is sent, and its tier is the one that counts.
  var crisisFields = document.querySelectorAll("textarea[data-crisis]");
  if (crisisFields.length && window.fetch && window.JSON) {
    var lists = null, lines = null;
    var leet = { "1": "i", "3": "e", "0": "o", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l" };
    var isLetter = function (c) { return !!c && /\p{L}/u.test(c); };
    var words = function (text) {
      var t = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
      var out = "", cs = Array.from(t);
      for (var i = 0; i < cs.length; i++) {
        var c = cs[i];
        if (/['’`ʼ]/.test(c) && isLetter(cs[i - 1]) && isLetter(cs[i + 1])) { continue; }
        if (leet[c] && isLetter(cs[i - 1]) && (isLetter(cs[i + 1]) || (leet[cs[i + 1]] && isLetter(cs[i + 2])))) { out += leet[c]; continue; }
        if (c === "." && isLetter(cs[i - 1]) && isLetter(cs[i + 1])) { out += " "; continue; }
        out += /[\p{L}\p{N}]/u.test(c) ? c : (/[.!?;\n…]/.test(c) ? " | " : " ");
      }
      var toks = out.split(/\s+/).filter(Boolean), joined = [];
      for (var j = 0; j < toks.length;) {
        var k = j;
        while (k < toks.length && toks[k].length === 1 && /\p{L}/u.test(toks[k])) { k++; }
        if (k - j >= 3) { joined.push(toks.slice(j, k).join("")); j = k; } else { joined.push(toks[j]); j++; }
      }
      var res = [];
      for (var m = 0; m < joined.length; m++) {
        var two = joined[m] + " " + joined[m + 1];
        if (lists.replace[two]) { res.push.apply(res, lists.replace[two]); m++; continue; }
        if (lists.replace[joined[m]]) { res.push.apply(res, lists.replace[joined[m]]); continue; }
        res.push(joined[m]);
      }
      return res;
    };
    var squeeze = function (w) { return w.replace(/(.)\1+/gu, "$1"); };
    var run3 = function (w) { return /(.)\1\1/u.test(w); };
    var same = function (w, x) { return w === x || (run3(w) && squeeze(w) === squeeze(x)); };
    var parts = function (phrase) {
      return phrase.split(/\s+/).map(function (f) {
        if (/^~\d+$/.test(f)) { return { gap: +f.slice(1) }; }
        if (f[0] === "@") { return { cls: f.slice(1) }; }
        if (f === "<n>") { return { num: 0 }; }
        var n = /^<n(\d+)>$/.exec(f);
        if (n) { return { num: +n[1] }; }
        if (/\*$/.test(f)) { return { prefix: f.slice(0, -1) }; }
        return { word: f };
      });
    };
    var matchAt = function (toks, i, ps) {
      if (!ps.length) { return true; }
      var p = ps[0];
      if (p.gap) {
        for (var skip = 0; skip <= p.gap; skip++) {
          if (skip > 0 && toks[i + skip - 1] === "|") { break; }
          if (i + skip <= toks.length && matchAt(toks, i + skip, ps.slice(1))) { return true; }
        }
        return false;
      }
      var w = toks[i];
      if (w === undefined || w === "|") { return false; }
      var ok = p.word !== undefined ? same(w, p.word)
        : p.prefix !== undefined ? w.indexOf(p.prefix) === 0
        : p.cls !== undefined ? (lists.classes[p.cls] || []).some(function (x) { return same(w, x); })
        : (/^\d+$/.test(w) && +w >= p.num);
      return ok && matchAt(toks, i + 1, ps.slice(1));
    };
    var compiled = null;
    var risky = function (text) {
      var toks = words(text);
      return compiled.some(function (ps) {
        for (var i = 0; i < toks.length; i++) { if (matchAt(toks, i, ps)) { return true; } }
        return false;
      });
    };
    var showNote = function (field) {
      var note = field.parentNode.querySelector(".crisis-note[data-live]");
      if (note) { note.hidden = false; return; }
      note = document.createElement("div");
      note.className = "crisis-note";
      note.setAttribute("data-live", "");
      note.setAttribute("role", "status");
      var h = document.createElement("h2");
      h.textContent = say("heading", "You do not have to wait for us");
      var p = document.createElement("p");
      p.textContent = say("crisis_text", "What you are writing sounds very hard. If you are thinking about ending your life or hurting yourself, please talk to someone now: it is free, and they are there for exactly this. You can still send this; we read every letter.");
      var ul = document.createElement("ul");
      ul.className = "helpline-top";
      var more = document.createElement("p");
      var a = document.createElement("a");
      a.href = "/help";
      a.textContent = say("crisis_more", "Crisis lines in every country");
      more.appendChild(a);
      note.append(h, p, ul, more);
      field.insertAdjacentElement("afterend", note);
      var fill = function (data) {
        (data.lines || []).forEach(function (l) {
          var li = document.createElement("li"), b = document.createElement("strong"), tel = document.createElement("a");
          b.textContent = l.service;
          tel.href = "tel:" + l.tel;
          tel.textContent = l.phone;
          li.append(b, say("call", ": call "), tel);
          if (l.text) { li.append("; " + l.text); }
          ul.appendChild(li);
        });
        var urgent = document.createElement("p");
        urgent.textContent = data.emergency ? say("danger_number", "If you are in danger right now, call %s.").replace("%s", data.emergency)
          : say("danger_local", "If you are in danger right now, call your local emergency number.");
        note.insertBefore(urgent, more);
      };
      if (lines) { fill(lines); } else {
        fetch("/safety/lines", { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (d) { lines = d; fill(d); }).catch(function () {});
      }
    };
    var watch = function (field) {
      var timer = null;
      var check = function () {
        if (compiled && field.value && risky(field.value)) { showNote(field); }
      };
      field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 300); });
      check();
    };
    fetch("/safety/phrases.json").then(function (r) { return r.json(); }).then(function (l) {
      lists = l;
      compiled = l.phrases.map(function (p) { return parts(p[1]); });
      crisisFields.forEach(watch);
    }).catch(function () {});
  }
})();
