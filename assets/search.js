// The search page: loads Pagefind's UI from the bundle beside this site, wherever the site is hosted.
// Paths come from this page's own address, so the site works at / and under any sub-path.
(function () {
  "use strict";
  var bundle = new URL("../pagefind/", location.href).pathname;
  var base = new URL("../", location.href).pathname;
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = bundle + "pagefind-ui.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  // A large digest's index comes in several parts (data-merge names the folders past the first);
  // Pagefind searches them as one, with the first part's code. Each part takes its own options.
  var merge = (document.getElementById("search").getAttribute("data-merge") || "").split(" ")
    .filter(Boolean).map(function (part) {
      return { bundlePath: bundle + part, baseUrl: base, highlightParam: "highlight" };
    });
  script.onload = function () {
    var query = new URLSearchParams(location.search).get("q") || "";
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: bundle,
      mergeIndex: merge,
      baseUrl: base,
      showSubResults: true,
      showImages: false,
      showEmptyFilters: false,
      // Open filter lists push the results below the fold on a phone, so they start closed there.
      openFilters: matchMedia("(min-width: 40rem)").matches ? ["topic", "kind", "year"] : [],
      highlightParam: "highlight",
      autofocus: !query,
      translations: { placeholder: "Search the digest" }
    });
    // Pagefind names its box only by a title attribute, which is not a label for assistive technology.
    var box = document.querySelector("#search .pagefind-ui__search-input");
    if (box) box.setAttribute("aria-label", "Search the digest");
    var header = document.getElementById("site-q");
    if (header) header.value = query;
    if (query) ui.triggerSearch(query);
  };
  script.onerror = function () {
    document.getElementById("search").textContent = "The search index is missing: build the site with search enabled.";
  };
  document.head.appendChild(script);
})();
