/* rnnbook: English originals on demand, glossary filter. No dependencies. */
(function () {
  "use strict";
  var KEY = "tt-show-all";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function showAll(on) {
    document.querySelectorAll("details.tt-orig").forEach(function (el) { el.open = on; });
    document.querySelectorAll(".tt-orig-heading").forEach(function (el) { el.hidden = !on; });
    var button = document.getElementById("tt-show-all");
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? button.dataset.hide : button.dataset.show;
    }
  }

  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#tt-show-all");
    if (!button) return;
    var on = button.getAttribute("aria-pressed") !== "true";
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
    showAll(on);
  });

  document.addEventListener("input", function (event) {
    if (event.target.id !== "tt-glossary-filter") return;
    var query = fold(event.target.value.trim());
    document.querySelectorAll("#tt-glossary tbody tr").forEach(function (row) {
      row.hidden = query !== "" && fold(row.textContent).indexOf(query) === -1;
    });
  });

  function onPage() { if (stored()) showAll(true); }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
