/* rnnbook: English originals on demand, glossary filter and popovers, wide formulas, the language
   switch keeping the #fragment, search highlights for queries typed without diacritics. No dependencies. */
(function () {
  "use strict";
  var KEY = "tt-show-all";

  // The hreflang alternates name this page in the other edition. Material reads every
  // link[rel=alternate] as an edition's root (it fetches sitemap.xml beside it and sends the
  // language menu to that root, dropping the #fragment), so hide them from it until it has
  // looked (this runs before Material's first document$), then put them back.
  var alternates = [];
  document.querySelectorAll('link[rel="alternate"][hreflang]').forEach(function (link) {
    link.rel = "tt-alternate";
    alternates.push(link);
  });
  function restoreAlternates() {
    alternates.forEach(function (link) { link.rel = "alternate"; });
    alternates = [];
  }

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

  // Glossary terms: focusable, so the popover (CSS, from data-tip) opens by keyboard and by tap.
  function glossaryTerms() {
    document.querySelectorAll("abbr.tt-term[data-tip]").forEach(function (term) {
      term.tabIndex = 0;
      term.setAttribute("aria-description", term.dataset.tip);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.activeElement && document.activeElement.matches &&
        document.activeElement.matches("abbr.tt-term")) document.activeElement.blur();
  });

  // A display formula wider than the column scrolls; mark it so the CSS shows the hint.
  // A formula too wide for its column scrolls, with a hint. Marking it changes its box (the
  // number moves under it), so a mark is only taken back when the window itself changes.
  function markWide(box, fresh) {
    if (fresh) box.parentElement.classList.remove("tt-wide");
    var wide = box.scrollWidth > box.clientWidth + 1;
    if (wide) {
      box.parentElement.classList.add("tt-wide");
      box.tabIndex = 0;  // scrollable by keyboard
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", document.documentElement.lang === "vi" ? "Công thức (cuộn ngang)" : "Formula (scrolls sideways)");
    } else if (fresh) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
  // A formula grows when a web font arrives (the math font loads once a formula is laid out).
  var sized = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var box = entry.target.closest(".tt-math-scroll");
      if (box) markWide(box, false);
    });
  }) : null;
  function wideFormulas(fresh) {
    document.querySelectorAll(".tt-math-scroll").forEach(function (box) {
      markWide(box, fresh !== false);
      var formula = box.querySelector("math > *");  // its own width, unlike the block <math>
      if (sized && formula) sized.observe(formula);
    });
  }
  window.addEventListener("resize", function () { wideFormulas(true); });
  function fontsArrived() { wideFormulas(false); }
  if (document.fonts) {
    if (document.fonts.ready) document.fonts.ready.then(fontsArrived);
    if (document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", fontsArrived);
  }

  // The other edition's same page, at the same place.
  function languageLinks() {
    document.querySelectorAll("a.tt-lang-link").forEach(function (link) {
      var href = link.getAttribute("href").split("#")[0];
      link.setAttribute("href", href + location.hash);
    });
  }
  window.addEventListener("hashchange", languageLinks);
  // The other edition is another site: load it whole, at the same #fragment.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.tt-lang-link");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    location.assign(link.href.split("#")[0] + location.hash);
  }, true);

  // Search: Material marks the words of a query as typed; "hoi tiep" finds "hồi tiếp" (search.py's
  // folded fields) but marks nothing, so mark the words whose folded form matches.
  function foldChars(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i], d = c.normalize("NFD")[0];
      if (c === "đ" || c === "Đ") d = "d";
      out += (d && d.length === 1 ? d : c).toLowerCase();
    }
    return out;  // same length as text: offsets carry over
  }
  function markFolded(root, terms) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) if (!walker.currentNode.parentElement.closest("mark")) nodes.push(walker.currentNode);
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + terms.join("|") + ")", "gu");
    nodes.forEach(function (node) {
      var folded = foldChars(node.data), match, last = 0, parts = [];
      pattern.lastIndex = 0;
      while ((match = pattern.exec(folded)) !== null) {
        var start = match.index + match[1].length, end = start + match[2].length;
        parts.push(document.createTextNode(node.data.slice(last, start)));
        var mark = document.createElement("mark");
        mark.className = "tt-folded-mark";
        mark.textContent = node.data.slice(start, end);
        parts.push(mark);
        last = end;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(node.data.slice(last)));
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part) { fragment.appendChild(part); });
      node.parentNode.replaceChild(fragment, node);
    });
  }
  function termsOf(query) {
    return foldChars(query).split(/[\s\-,:;!?()\[\]"'\/]+/).filter(function (term) {
      return term.length > 1;
    }).map(function (term) { return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
  }
  function queryTerms() {
    var box = document.querySelector("input.md-search__input");
    return box ? termsOf(box.value) : [];
  }
  // A result opens its page with ?h=query, where Material marks the words as typed; mark the
  // ones that match only without diacritics too ("hoi tiep" -> "hồi tiếp").
  function highlightPage() {
    var query = new URLSearchParams(location.search).get("h");
    var article = document.querySelector("article");
    if (!query || !article || article.dataset.ttMarked === "1") return;
    article.dataset.ttMarked = "1";
    var terms = termsOf(query);
    if (terms.length) markFolded(article, terms);
  }
  function highlightResults() {
    var terms = queryTerms();
    if (!terms.length) return;
    document.querySelectorAll(".md-search-result__item").forEach(function (item) {
      if (item.dataset.ttMarked === "1") return;
      item.dataset.ttMarked = "1";
      if (!item.querySelector("mark")) markFolded(item, terms);
    });
  }
  var observing = null;
  function watchSearch() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list === observing || !window.MutationObserver) return;
    observing = list;
    new MutationObserver(highlightResults).observe(list, { childList: true, subtree: true });
  }

  function onPage() {
    restoreAlternates();
    if (stored()) showAll(true);
    glossaryTerms();
    wideFormulas();
    languageLinks();
    watchSearch();
    highlightPage();
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
