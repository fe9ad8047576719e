// The doctor's consultation workbench (records): keyboard-first entry of a consultation.
// Search boxes fetch HTML fragments of ICD-10 codes and essential medicines as the doctor types; Enter picks
// the highlighted (first) match, arrows move it. Alt+V/D/M/A/S/G: vitals, diagnosis, medicine, allergy, save,
// sign (by the physical key, so they work with a Hindi keyboard layout too). Enter in a field moves on instead
// of submitting the form. (A static file: the Content-Security-Policy allows only script-src 'self'.)
(function () {
  "use strict";
  var form = document.getElementById("wb-form");
  if (!form) { return; }
  var lists = {
    dx: document.getElementById("wb-dx-list"),
    rx: document.getElementById("wb-rx-list"),
    al: document.getElementById("wb-al-list")
  };
  var dxSearch = document.getElementById("wb-dx-search");
  var rxSearch = document.getElementById("wb-rx-search");

  function csrf() { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  // --- rows ---------------------------------------------------------------------------------------------
  function nextIndex(list) {
    var max = -1;
    list.querySelectorAll(":scope > li[data-index]").forEach(function (row) {
      var i = parseInt(row.getAttribute("data-index"), 10);
      if (i > max) { max = i; }
    });
    return max + 1;
  }

  function addRow(list, templateId) {
    var index = String(nextIndex(list));
    var html = document.getElementById(templateId).innerHTML.split("__i__").join(index);
    var holder = document.createElement("ul");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    list.appendChild(row);
    return row;
  }

  function ensurePrimary() {
    if (!lists.dx.querySelector("input[name=primary]:checked")) {
      var first = lists.dx.querySelector("input[name=primary]");
      if (first) { first.checked = true; }
    }
  }

  function addDiagnosis(code, title) {
    var existing = Array.prototype.find.call(lists.dx.querySelectorAll(".dx-code"), function (input) {
      return input.value.trim().toUpperCase() === code.toUpperCase();
    });
    if (existing) { return existing.closest("li"); }
    var row = addRow(lists.dx, "wb-dx-template");
    row.querySelector(".dx-code").value = code;
    row.querySelector(".wb-title").textContent = title || "";
    markFavourite(row);
    ensurePrimary();
    return row;
  }

  function addMedicine(option) {
    var row;
    if (option.getAttribute("data-free-text")) {
      row = addRow(lists.rx, "wb-rx-free-template");
      row.querySelector(".rx-name").value = option.getAttribute("data-name");
    } else {
      row = addRow(lists.rx, "wb-rx-template");
      row.querySelector("input[name$='.medicine_id']").value = option.getAttribute("data-medicine-id");
      row.querySelector(".wb-medicine-name").textContent = option.getAttribute("data-label");
      row.querySelector(".rx-strength").value = option.getAttribute("data-strength") || "";
    }
    row.querySelector(".rx-dose").focus();
    return row;
  }

  form.addEventListener("click", function (event) {
    var remove = event.target.closest(".wb-remove");
    if (remove) {
      var row = remove.closest("li");
      var list = row.parentElement;
      row.remove();
      if (list === lists.dx) { ensurePrimary(); dxSearch.focus(); }
      if (list === lists.rx) { rxSearch.focus(); }
      return;
    }
    var chip = event.target.closest(".wb-chip");
    if (chip) { addDiagnosis(chip.getAttribute("data-code"), chip.getAttribute("data-title")); return; }
    var star = event.target.closest(".wb-star");
    if (star) { toggleFavourite(star); }
  });
  document.getElementById("wb-add-allergy").addEventListener("click", function () {
    addRow(lists.al, "wb-al-template").querySelector("input").focus();
  });

  // --- favourites ---------------------------------------------------------------------------------------
  function favouriteCodes() {
    var codes = {};
    document.querySelectorAll("#wb-favourites .wb-chip").forEach(function (chip) {
      codes[chip.getAttribute("data-code")] = true;
    });
    return codes;
  }
  function markFavourite(row) {
    var codes = favouriteCodes();
    var rows = row ? [row] : lists.dx.querySelectorAll("li");
    Array.prototype.forEach.call(rows, function (r) {
      var code = r.querySelector(".dx-code").value.trim().toUpperCase();
      r.querySelector(".wb-star").setAttribute("aria-pressed", codes[code] ? "true" : "false");
    });
  }
  function toggleFavourite(star) {
    var code = star.closest("li").querySelector(".dx-code").value.trim();
    if (!code) { return; }
    var body = new URLSearchParams();
    body.set("code", code);
    fetch(form.getAttribute("data-favourite-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (r) { return r.text(); }).then(function (html) {
      document.getElementById("wb-favourites").outerHTML = html;
      markFavourite();
    });
  }

  // --- searches -----------------------------------------------------------------------------------------
  function search(box, resultsId, url, pick) {
    var results = document.getElementById(resultsId);
    var timer = null;
    var pending = null;

    function options() { return results.querySelectorAll("[role=option]"); }
    function loadedFor() {
      var list = results.querySelector("[data-q]");
      return list ? list.getAttribute("data-q") : null;
    }
    function load(q) {
      pending = fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (box.value.trim() === q) { results.innerHTML = html; } });
      return pending;
    }
    function move(step) {
      var all = options();
      if (!all.length) { return; }
      var at = Array.prototype.findIndex.call(all, function (o) { return o.getAttribute("aria-selected") === "true"; });
      var next = Math.max(0, Math.min(all.length - 1, at + step));
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === next ? "true" : "false"); });
      all[next].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      if (!option) { return; }
      box.value = "";
      results.innerHTML = "";
      pick(option);
    }
    function chooseSelected() {
      choose(results.querySelector("[role=option][aria-selected=true]") || options()[0]);
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      var q = box.value.trim();
      if (q.length < 2) { results.innerHTML = ""; return; }
      timer = window.setTimeout(function () { load(q); }, 120);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { box.value = ""; results.innerHTML = ""; }
      else if (event.key === "Enter") {
        event.preventDefault();
        var q = box.value.trim();
        if (q.length < 2) { return; }
        window.clearTimeout(timer);
        if (loadedFor() === q) { chooseSelected(); } else { load(q).then(chooseSelected); }
      }
    });
    results.addEventListener("click", function (event) { choose(event.target.closest("[role=option]")); });
  }

  search(dxSearch, "wb-dx-results", form.getAttribute("data-icd10-url"), function (option) {
    addDiagnosis(option.getAttribute("data-code"), option.getAttribute("data-title"));
    dxSearch.focus();
  });
  search(rxSearch, "wb-rx-results", form.getAttribute("data-medicine-url"), addMedicine);

  // --- Enter moves on; shortcuts ------------------------------------------------------------------------
  function fields() {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select, textarea, button"),
      function (el) { return !el.disabled && el.offsetParent !== null; }
    );
  }
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (el.tagName === "TEXTAREA" || el.tagName === "BUTTON" || el === dxSearch || el === rxSearch) { return; }
    event.preventDefault();
    if (lists.rx.contains(el)) { rxSearch.focus(); return; }
    if (lists.dx.contains(el)) { dxSearch.focus(); return; }
    var all = fields();
    var next = all[all.indexOf(el) + 1];
    if (next) { next.focus(); }
  });

  var shortcuts = {
    KeyV: function () { document.querySelector("#wb-vitals input").focus(); },
    KeyD: function () { dxSearch.focus(); },
    KeyM: function () { rxSearch.focus(); },
    KeyA: function () { document.getElementById("wb-add-allergy").click(); },
    KeyS: function () { document.getElementById("wb-save").click(); },
    KeyG: function () { document.getElementById("wb-sign").click(); }
  };
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var action = shortcuts[event.code];
    if (action) { event.preventDefault(); action(); }
  });

  // --- BMI as weight and height are typed ---------------------------------------------------------------
  var weight = document.getElementById("v-weight_kg");
  var height = document.getElementById("v-height_cm");
  var bmi = document.getElementById("wb-bmi");
  function showBmi() {
    var w = parseFloat(weight.value), h = parseFloat(height.value) / 100;
    bmi.textContent = w > 0 && h > 0 ? (w / (h * h)).toFixed(1) : "—";
  }
  if (weight && height && bmi) {
    weight.addEventListener("input", showBmi);
    height.addEventListener("input", showBmi);
  }

  // A change of a diagnosis code typed by hand updates its star; the first error gets the cursor.
  lists.dx.addEventListener("change", function (event) {
    if (event.target.classList.contains("dx-code")) { markFavourite(event.target.closest("li")); }
  });
  markFavourite();
  var invalid = form.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();
