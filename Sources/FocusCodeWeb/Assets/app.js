// FocusCode workbench: selection, keys and changes. No inline script (the page's CSP forbids it).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf"]').content;
  var codebook = document.querySelector('meta[name="codebook"]').content;
  var status = document.getElementById("status");
  var lastSelection = null; // {ref, start, end, quote} in UTF-16 code units of the turn's text

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "ok";
  }

  function turnOf(node) {
    while (node && !(node.nodeType === 1 && node.classList.contains("turn"))) node = node.parentNode;
    return node;
  }

  // The UTF-16 offset of (container, offset) within the turn's text element.
  function offsetIn(textEl, container, offset) {
    var r = document.createRange();
    r.setStart(textEl, 0);
    r.setEnd(container, offset);
    return r.toString().length;
  }

  function readSelection() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    var turn = turnOf(range.startContainer);
    if (!turn || turn !== turnOf(range.endContainer)) return null;
    var textEl = turn.querySelector(".text");
    if (!textEl.contains(range.startContainer) || !textEl.contains(range.endContainer)) return null;
    var start = offsetIn(textEl, range.startContainer, range.startOffset);
    var end = offsetIn(textEl, range.endContainer, range.endOffset);
    if (end <= start) return null;
    return { ref: turn.dataset.ref, start: start, end: end, quote: textEl.textContent.slice(start, end) };
  }

  document.addEventListener("selectionchange", function () {
    var s = readSelection();
    if (s) lastSelection = s;
  });

  function currentTurn() {
    var a = document.activeElement;
    var t = turnOf(a);
    if (t) return t;
    if (lastSelection) return document.getElementById(lastSelection.ref);
    return null;
  }

  function post(path, body) {
    var started = performance.now();
    body.codebook = codebook;
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
    }).then(function (res) {
      if (!res.ok) { say(res.body.error || ("Refused (" + res.status + ")"), true); return; }
      // The server names what to redraw: a turn (by its ID) or a code's memo list.
      var old = document.getElementById(res.body.replace || res.body.excerpt || body.excerpt);
      if (old && res.body.html) {
        var holder = document.createElement("div");
        holder.innerHTML = res.body.html;
        var fresh = holder.firstElementChild;
        old.replaceWith(fresh);
        fresh.focus();
      }
      window.getSelection().removeAllRanges();
      lastSelection = null;
      document.body.dataset.lastRoundTripMs = String(performance.now() - started);
      say(res.body.message, false);
    }).catch(function () { say("The workbench did not answer; is focuscode serve still running?", true); });
  }

  // A live selection wins; else the turn that has focus (whole turn); else the selection last seen
  // (focus may have moved to a code button since).
  function applyCode(codeUid) {
    var sel = readSelection();
    var turn = turnOf(document.activeElement);
    if (!sel && !turn) sel = lastSelection;
    if (sel) {
      post("/api/code", { excerpt: sel.ref, code: codeUid, start: sel.start, end: sel.end, quote: sel.quote });
    } else if (turn) {
      post("/api/code", { excerpt: turn.dataset.ref, code: codeUid });
    } else {
      say("Select words in a turn, or move to a turn with j/k, then choose a code.", true);
    }
  }

  function codeButtons() { return Array.prototype.slice.call(document.querySelectorAll("button.code")); }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) return;
    if (b.classList.contains("code")) { ev.preventDefault(); applyCode(b.dataset.code); }
    else if (b.classList.contains("remove")) {
      ev.preventDefault();
      post("/api/uncode", { excerpt: turnOf(b).dataset.ref, code: b.dataset.code, passage: b.dataset.passage });
    }
    else if (b.classList.contains("memo-save")) { ev.preventDefault(); saveMemo(b); }
    else if (b.classList.contains("memo-remove")) { ev.preventDefault(); post("/api/memo", { memo: Number(b.dataset.memo) }); }
  });

  // A memo on the turn it sits in, or on the code whose definition it sits under.
  function saveMemo(inside) {
    var box = inside.closest(".memos");
    var text = box.querySelector("textarea").value;
    if (text.trim() === "") { say("Write the memo first.", true); return; }
    var turn = turnOf(box);
    if (turn) post("/api/memo", { excerpt: turn.dataset.ref, text: text });
    else post("/api/memo", { code: box.closest("details.about").dataset.code, text: text });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.target.tagName !== "TEXTAREA" || !ev.target.closest(".memos")) return;
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); saveMemo(ev.target); }
    else if (ev.key === "Escape") {
      var d = ev.target.closest("details"); if (d) d.open = false;
      var t = turnOf(ev.target); if (t) t.focus();
    }
  });
  // Keep the selection when a code button is pressed with the mouse.
  document.addEventListener("mousedown", function (ev) {
    if (ev.target.closest && ev.target.closest("button.code")) ev.preventDefault();
  });

  var filter = document.getElementById("codefilter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.toLowerCase();
      codeButtons().forEach(function (b) {
        b.parentNode.hidden = q !== "" && b.dataset.path.toLowerCase().indexOf(q) < 0 && !b.parentNode.querySelector('button.code[data-path*="' + CSS.escape(filter.value) + '" i]');
      });
    });
    filter.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        var q = filter.value.toLowerCase();
        var hit = codeButtons().filter(function (b) { return b.dataset.path.toLowerCase().indexOf(q) >= 0; })[0];
        if (hit) applyCode(hit.dataset.code); else say("No code matches " + filter.value + ".", true);
      } else if (ev.key === "Escape") { filter.value = ""; filter.dispatchEvent(new Event("input")); filter.blur(); }
    });
  }

  function turns() { return Array.prototype.slice.call(document.querySelectorAll("article.turn")); }
  function move(step) {
    var all = turns();
    if (all.length === 0) return;
    var i = all.indexOf(turnOf(document.activeElement));
    var next = all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key;
    if (k === "j") { move(1); ev.preventDefault(); }
    else if (k === "k") { move(-1); ev.preventDefault(); }
    else if (k >= "1" && k <= "9") {
      var b = document.querySelector('button.code[data-key="' + k + '"]') || codeButtons()[Number(k) - 1];
      if (b) { applyCode(b.dataset.code); ev.preventDefault(); }
    } else if (k === "0") {
      var turn = currentTurn();
      if (turn) { post("/api/none", { excerpt: turn.dataset.ref }); ev.preventDefault(); }
    } else if (k === "x") {
      var tx = currentTurn();
      var rm = tx && tx.querySelectorAll("button.remove");
      if (rm && rm.length) { post("/api/uncode", { excerpt: tx.dataset.ref, code: rm[rm.length - 1].dataset.code, passage: rm[rm.length - 1].dataset.passage }); ev.preventDefault(); }
    } else if (k === "m") {
      var tm = currentTurn();
      var add = tm && tm.querySelector("details.memo-add");
      if (add) { add.open = true; add.querySelector("textarea").focus(); ev.preventDefault(); }
    } else if (k === "/") { document.getElementById("q").focus(); ev.preventDefault(); }
    else if (k === "c" && filter) { filter.focus(); ev.preventDefault(); }
    else if (k === "?") { location.href = "/help"; }
  });

  // Jump to the turn named in the address (from search), and focus it.
  if (location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) { target.focus(); target.scrollIntoView({ block: "center" }); }
  }
})();
