/* DPS progressive enhancement: every page works without this file; with it, small things get quicker.
   - [data-copy-url]      copies the record's stable URL (URL取得)
   - form[data-guard]     warns before leaving with unsaved changes
   - .lookup[data-lookup] type-ahead picker filling hidden id inputs (single or [data-multiple])
   - form[data-inline]    posts in the background and swaps the element named by data-target with the
                          HTML fragment the server answers (comments, likes)
   - [data-rows]          tables of repeated rows: [data-add-row] clones the <template>, [data-remove-row] drops one
   - [data-select-all]    checks every row checkbox of its table (bulk actions)
   - [data-restriction]   shows the allow-list only when 非公開 is checked
   - [data-confirm]       on a form or its submit button: asks before sending (the CSP forbids inline handlers)
   - [data-check-for]     checks the 法人番号 typed in the input it names (13 digits, check digit) as the user types
   - [data-registry-fill] 「登録情報から入力」: looks the 法人番号 or name up (/lookup/registry) and fills the form */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector('input[name="_csrf_token"]');
    return input ? input.value : "";
  }

  function onCopyUrl(button) {
    var url = new URL(button.getAttribute("data-copy-url"), window.location.href).href;
    var done = function () {
      button.setAttribute("data-copied", "true");
      var note = button.getAttribute("data-copied-text");
      if (note) { button.title = note; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { window.prompt("URL", url); });
    } else {
      var field = document.createElement("textarea");
      field.value = url; document.body.appendChild(field); field.select();
      try { document.execCommand("copy"); done(); } catch (e) { window.prompt("URL", url); }
      document.body.removeChild(field);
    }
  }

  function guard(form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = form.getAttribute("data-guard") || ""; }
    });
  }

  function lookup(box) {
    var input = box.querySelector("input[type=search], input[type=text]");
    var name = box.getAttribute("data-name");
    var multiple = box.hasAttribute("data-multiple");
    var list = document.createElement("ul");
    list.className = "lookup-results"; list.setAttribute("role", "listbox"); list.hidden = true;
    box.appendChild(list);
    var timer = null;
    function params() {
      var url = new URL(box.getAttribute("data-lookup"), window.location.href);
      url.searchParams.set("q", input.value);
      var dep = box.getAttribute("data-depends");
      if (dep) {
        var other = document.querySelector('input[name="' + dep + '"]');
        if (other && other.value) { url.searchParams.set(dep, other.value); }
      }
      return url;
    }
    function choose(item) {
      if (multiple) {
        var chips = box.querySelector(".chips");
        if (!chips.querySelector('input[value="' + item.id + '"]')) {
          var chip = document.createElement("span");
          chip.className = "chip";
          chip.textContent = item.label + " ";
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = name; hidden.value = item.id;
          var remove = document.createElement("button");
          remove.type = "button"; remove.className = "chip-remove"; remove.textContent = "×";
          remove.setAttribute("aria-label", "remove");
          chip.appendChild(hidden); chip.appendChild(remove); chips.appendChild(chip);
        }
        input.value = "";
      } else {
        box.querySelector('input[type=hidden][name="' + name + '"]').value = item.id;
        input.value = item.label;
      }
      list.hidden = true;
      box.dispatchEvent(new CustomEvent("dps:chosen", { bubbles: true, detail: item }));
      input.form && input.form.dispatchEvent(new Event("input"));
    }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option"); li.tabIndex = -1;
        li.textContent = item.label;
        if (item.detail) {
          var small = document.createElement("small"); small.textContent = " " + item.detail; li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        li.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); choose(item); } });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    input.addEventListener("input", function () {
      if (!multiple) {
        var hidden = box.querySelector('input[type=hidden][name="' + name + '"]');
        if (hidden) { hidden.value = ""; }
      }
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(params(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; }).then(show, function () { show([]); });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden && list.firstChild) { e.preventDefault(); list.firstChild.focus(); }
      if (e.key === "Escape") { list.hidden = true; }
    });
    list.addEventListener("keydown", function (e) {
      var current = document.activeElement;
      if (e.key === "ArrowDown" && current.nextSibling) { e.preventDefault(); current.nextSibling.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (current.previousSibling || input).focus(); }
    });
    input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
    box.addEventListener("click", function (e) {
      if (e.target.classList.contains("chip-remove")) { e.target.parentNode.remove(); }
    });
  }

  function inline(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      var target = document.querySelector(form.getAttribute("data-target"));
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(form.getAttribute("action") || window.location.href, {  // not form.action: an input named "action" shadows it
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch", Accept: "text/html" }
      }).then(function (response) {
        return response.text().then(function (html) {
          // a fragment comes with 2xx, or 422 (the stream with its error); anything else: the plain post
          if (!response.ok && response.status !== 422) { throw new Error(String(response.status)); }
          if (target) {
            var holder = document.createElement("div");
            holder.innerHTML = html.trim();
            var fresh = holder.firstElementChild;
            if (fresh) { target.replaceWith(fresh); init(fresh); }
          }
        });
      }).catch(function () { form.submit(); }).finally(function () { if (button) { button.disabled = false; } });
    });
  }

  function rows(table) {
    var template = table.querySelector("template");
    var body = table.querySelector("tbody");
    var counter = body.querySelectorAll("tr").length;
    table.addEventListener("click", function (e) {
      var target = e.target.closest("[data-add-row], [data-remove-row]");
      if (!target) { return; }
      e.preventDefault();
      if (target.hasAttribute("data-add-row")) {
        var html = template.innerHTML.replace(/__i__/g, String(counter++));
        var holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        body.appendChild(row); init(row);
      } else {
        target.closest("tr").remove();
      }
      var form = table.closest("form");
      if (form) { form.dispatchEvent(new Event("input")); }
    });
  }

  function selectAll(box) {
    box.addEventListener("change", function () {
      var scope = box.closest("form") || document;
      scope.querySelectorAll('input[type=checkbox][name="' + (box.getAttribute("data-select-all") || "ids") + '"]')
        .forEach(function (c) { c.checked = box.checked; });
    });
  }

  function restriction(fieldset) {
    var check = fieldset.querySelector('input[name="is_restricted"]');
    var list = fieldset.querySelector(".allow-list");
    if (!check || !list) { return; }
    var sync = function () { list.hidden = !check.checked; };
    check.addEventListener("change", sync); sync();
  }

  /* 法人番号: full-width digits, hyphens, blanks and an invoice "T" folded away (domain/registry). */
  function corporateDigits(raw) {
    var text = (raw || "").normalize("NFKC").replace(/[\s\-\u2010\uff0d\u30fc]/g, "");
    return /^[Tt]/.test(text) ? text.slice(1) : text;
  }

  /* The check digit: 9 - (the 12 base digits weighted 1,2,1,2... from the right, summed) mod 9 (§1.9). */
  function corporateCheckDigit(base12) {
    var total = 0;
    for (var n = 1; n <= 12; n++) { total += Number(base12.charAt(12 - n)) * (n % 2 ? 1 : 2); }
    return 9 - total % 9;
  }

  /* [data-check-for]: the message under a 法人番号 input, checked as the user types. */
  function corporateNumberCheck(message) {
    var input = document.getElementById(message.getAttribute("data-check-for"));
    if (!input) { return; }
    var show = function (text) { message.textContent = text; message.hidden = !text; };
    var check = function (finished) {
      var digits = corporateDigits(input.value);
      if (!digits) { show(""); return; }
      if (!/^[0-9]+$/.test(digits) || digits.length > 13 || (finished && digits.length < 13)) {
        show(message.getAttribute("data-msg-digits")); return;
      }
      if (digits.length < 13) { show(""); return; }
      var expected = corporateCheckDigit(digits.slice(1));
      show(Number(digits.charAt(0)) === expected ? "" : message.getAttribute("data-msg-check") + " (" + expected + ")");
    };
    input.addEventListener("input", function () { check(false); });
    input.addEventListener("change", function () { check(true); });
  }

  /* [data-registry-fill]: looks the typed 法人番号 (else the name) up in the registry and fills the form
     with the picked corporation: name, kana, address, postal code, English name (en_name) and the
     closing status (closed_on, close_cause, successor_corporate_number) where the registry gives them. */
  function registryFill(box) {
    var form = box.closest("form");
    var button = box.querySelector("[data-registry-search]");
    var list = box.querySelector(".registry-candidates");
    var note = box.querySelector(".registry-message");
    if (!form || !button || !list || !note) { return; }
    var say = function (text) { note.textContent = text || ""; note.hidden = !text; };
    var field = function (key) { return form.elements[key] || null; };
    /* the status fields ([data-registry-status]) follow the registry even when it leaves them empty (an
       active corporation clears a closing date typed before); the others are only filled, never erased */
    var status = (box.getAttribute("data-registry-status") || "").split(/\s+/).filter(Boolean);
    function fill(item) {
      Object.keys(item.values || {}).forEach(function (key) {
        var input = field(key);
        if (input && (item.values[key] || status.indexOf(key) >= 0)) {
          input.value = item.values[key];
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      list.hidden = true;
    }
    function show(items) {
      list.innerHTML = "";
      say(items.length ? "" : box.getAttribute("data-msg-none"));
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option"); li.tabIndex = 0;
        li.setAttribute("data-number", item.corporate_number);
        li.textContent = item.label + " ";
        var small = document.createElement("small"); small.textContent = item.detail || "";
        li.appendChild(small);
        li.addEventListener("click", function () { fill(item); });
        li.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); fill(item); } });
        list.appendChild(li);
      });
      list.hidden = !items.length;
    }
    button.addEventListener("click", function () {
      var number = corporateDigits(field("corporate_number") ? field("corporate_number").value : "");
      var name = field("name") ? field("name").value.trim() : "";
      if (!number && name.length < 2) { say(box.getAttribute("data-msg-need")); return; }
      var url = new URL(box.getAttribute("data-registry-fill"), window.location.href);
      url.searchParams.set(number ? "number" : "name", number || name);
      button.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (body) {
            if (r.ok) { show(body); return; }
            list.hidden = true;
            if (r.status === 503) { say(box.getAttribute("data-msg-unavailable")); return; }
            var errors = body && body.errors ? Object.keys(body.errors).map(function (k) { return body.errors[k]; }) : [];
            say(errors.join(" ") || box.getAttribute("data-msg-unavailable"));
          });
        })
        .catch(function () { list.hidden = true; say(box.getAttribute("data-msg-unavailable")); })
        .finally(function () { button.disabled = false; });
    });
  }

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    root.querySelectorAll(selector).forEach(fn);
  }

  function init(root) {
    each(root, "form[data-guard]", guard);
    each(root, ".lookup[data-lookup]", lookup);
    each(root, "form[data-inline]", inline);
    each(root, "[data-rows]", rows);
    each(root, "[data-select-all]", selectAll);
    each(root, "[data-restriction]", restriction);
    each(root, "[data-check-for]", corporateNumberCheck);
    each(root, "[data-registry-fill]", registryFill);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var source = (e.submitter && e.submitter.hasAttribute("data-confirm")) ? e.submitter : form;
    var question = source.getAttribute && source.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-copy-url]");
    if (button) { e.preventDefault(); onCopyUrl(button); }
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
