// The search page: a result list over Pagefind's JavaScript API, with filters, two orders (relevance,
// newest first) and the whole search in the address (?q=…&topic=…&sort=date), so it can be shared and
// Back and Forward step through it. With no words, the filters alone browse the digest, newest first.
//
// Several words are also looked up as a quoted phrase, and entries holding them together come first.
// Chinese and Japanese characters are also looked up one by one as a phrase: entry pages carry their
// characters singly in a hidden part (broadsheet/cjk.py), so a run typed without spaces is found
// exactly where it occurs, however Pagefind's dictionary split it when indexing.
//
// Paths come from this page's own address, so the site works at / and under any sub-path.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var bundle = new URL("../pagefind/", location.href).pathname;
  var base = new URL("../", location.href).pathname;
  var PAGE = 10;  // results shown at first, and added by "More results"
  // A large digest's index comes in parts; part k's scores are multiplied by 1 + k * TAG, a difference
  // too small to change an order by relevance, which tells the parts apart when sorting by date.
  var TAG = Math.pow(2, -26);
  // Han, hiragana and katakana: the ranges broadsheet/cjk.py writes out one by one.
  var CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}";
  var RUNS = new RegExp("[" + CJK + "]+", "gu");
  var SPACED = new RegExp("(?:\\s+[" + CJK + "])+\\s*$", "u");  // the hidden part, at the article's end
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  var box = document.getElementById("q");
  var sorter = document.getElementById("sort");
  var panel = document.getElementById("filters");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var more = document.getElementById("more");
  var header = document.getElementById("site-q");
  var parts = (form.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  var preferred = (form.getAttribute("data-filters") || "").split(" ").filter(Boolean);
  // Open filter lists push the results below the fold on a phone, so they start closed there.
  var open = matchMedia("(min-width: 40rem)").matches ? (form.getAttribute("data-open") || "").split(" ") : [];
  var pagefind = null;
  var boxes = {};  // filter name -> value -> {label, input, count}
  var shown = null;  // the search on screen: {state, take(n), runs}
  var generation = 0;  // a newer search makes an older one's answers stale
  var typing = 0;

  // ---- the search as an address -------------------------------------------------------------
  function fromAddress() {
    var params = new URLSearchParams(location.search), filters = {};
    params.forEach(function (value, name) {
      if (name !== "q" && name !== "sort" && value) (filters[name] = filters[name] || []).push(value);
    });
    return { q: (params.get("q") || "").trim(), sort: params.get("sort") === "date" ? "date" : "", filters: filters };
  }

  function address(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    names(Object.keys(state.filters)).forEach(function (name) {
      state.filters[name].forEach(function (value) { params.append(name, value); });
    });
    if (state.sort) params.set("sort", state.sort);
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function names(found) {  // filter names in the page's preferred order, then the others alphabetically
    var rank = function (name) { var i = preferred.indexOf(name); return i < 0 ? preferred.length : i; };
    return found.slice().sort(function (a, b) { return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0); });
  }

  function current() {
    var filters = {};
    Object.keys(boxes).forEach(function (name) {
      Object.keys(boxes[name]).forEach(function (value) {
        if (boxes[name][value].input.checked) (filters[name] = filters[name] || []).push(value);
      });
    });
    return { q: box.value.trim(), sort: sorter.value, filters: filters };
  }

  function show(state) {  // put a state into the controls
    box.value = state.q;
    if (header) header.value = state.q;
    sorter.value = state.sort;
    Object.keys(boxes).forEach(function (name) {
      Object.keys(boxes[name]).forEach(function (value) {
        boxes[name][value].input.checked = (state.filters[name] || []).indexOf(value) >= 0;
      });
    });
  }

  function commit(push) {
    var state = current();
    if (address(state) !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"](null, "", address(state));
    }
    if (header) header.value = state.q;
    run(state);
  }

  // ---- what is asked of Pagefind --------------------------------------------------------------
  // The typed words, and where there are several words or any Chinese or Japanese, the exact form:
  // the words as one quoted phrase, each run of characters as a quoted phrase of single characters.
  function queries(q) {
    if (q.indexOf('"') >= 0) return [q];  // the reader's own phrase search
    var runs = q.match(RUNS) || [];
    var words = q.replace(RUNS, " ").split(/\s+/).filter(function (w) { return /[\p{L}\p{N}]/u.test(w); });
    if (words.length < 2 && !runs.length) return [q];
    var exact = runs.map(function (run) { return '"' + Array.from(run).join(" ") + '"'; });
    if (words.length > 1) exact.unshift('"' + words.join(" ") + '"');
    else exact = words.concat(exact);
    return [exact.join(" "), q];
  }

  function options(state, dated) {
    var filters = {};
    Object.keys(state.filters).forEach(function (name) {
      if (boxes[name]) filters[name] = state.filters[name];  // every value chosen, as Pagefind's UI does
    });
    return dated ? { filters: filters, sort: { date: "desc" } } : { filters: filters };
  }

  function run(state) {
    var mine = ++generation;
    var browsing = !state.q;
    if (browsing && !Object.keys(state.filters).length) {
      shown = null;
      list.textContent = "";
      more.hidden = true;
      status.textContent = "Type to search, or choose a filter to browse.";
      counts(null);
      return Promise.resolve();
    }
    var dated = browsing || state.sort === "date";
    var asked = browsing ? [null] : queries(state.q);
    return Promise.all(asked.map(function (q) { return pagefind.search(q, options(state, dated)); }))
      .then(function (answers) {
        if (mine !== generation) return;
        var seen = {}, total = 0;
        answers.forEach(function (a) {
          a.results.forEach(function (r) { if (!seen[r.id]) { seen[r.id] = true; total += 1; } });
        });
        shown = { state: state, take: dated ? byDate(answers) : byRelevance(answers), total: total };
        counts(answers[answers.length - 1].filters);
        list.textContent = "";
        status.textContent = total ? plural(total) + (state.q ? " for \u201c" + state.q + "\u201d" : "")
          : "No results" + (state.q ? " for \u201c" + state.q + "\u201d" : "");
        return page(mine, false);
      });
  }

  function plural(n) { return n.toLocaleString("en") + (n === 1 ? " result" : " results"); }

  // Relevance: results holding the exact phrase first, then the others, each in Pagefind's order.
  function byRelevance(answers) {
    var seen = {}, order = [];
    answers.forEach(function (a) {
      a.results.forEach(function (r) { if (!seen[r.id]) { seen[r.id] = true; order.push(r); } });
    });
    var next = 0;
    return function (n) { next += n; return Promise.resolve(order.slice(next - n, next)); };
  }

  // Newest first. Each part of the index returns its results in date order, but Pagefind merges the
  // parts by score, which for a sorted search is only a rank within each part. So the results are
  // split back into their parts (by the tag in their score) and merged by the date on each page,
  // loading only the pages at the heads of the parts.
  function byDate(answers) {
    var runs = [];
    answers.forEach(function (a) {
      var byPart = {};
      a.results.forEach(function (r) {
        var rank = Math.round(r.score);
        if (rank <= 0) { runs.push([r]); return; }  // a part's last: a run of its own is still in order
        var part = Math.round((r.score / rank - 1) / TAG);
        (byPart[part] = byPart[part] || []).push(r);
      });
      Object.keys(byPart).forEach(function (k) { runs.push(byPart[k]); });
    });
    var seen = {};
    function head(r) { return (r.loaded = r.loaded || r.data()); }
    function one() {
      runs = runs.filter(function (run) { return run.length; });
      if (!runs.length) return Promise.resolve(null);
      return Promise.all(runs.map(function (run) { return head(run[0]); })).then(function (heads) {
        var best = 0;
        heads.forEach(function (d, i) {
          var a = d.meta.date || "", b = heads[best].meta.date || "";
          if (a > b || (a === b && d.url < heads[best].url)) best = i;
        });
        var r = runs[best].shift();
        if (seen[r.id]) return one();
        seen[r.id] = true;
        return r;
      });
    }
    return function (n) {
      var got = [];
      function step() {
        if (got.length === n) return Promise.resolve(got);
        return one().then(function (r) { if (!r) return got; got.push(r); return step(); });
      }
      return step();
    };
  }

  function isEntry(data) { return !(data.filters && data.filters.type && data.filters.type[0] === "edition"); }

  function page(mine, focus) {
    more.hidden = true;
    return shown.take(PAGE).then(function (results) {
      return Promise.all(results.map(function (r) { return r.loaded || r.data(); }));
    }).then(function (pages) {
      if (mine !== generation) return;
      var state = shown.state, first = null;
      // By relevance, a page of results lists entries before editions: an edition names many stories
      // in passing, and a reader looking for one wants the story itself first.
      if (state.sort !== "date") pages = pages.filter(isEntry).concat(pages.filter(function (d) { return !isEntry(d); }));
      pages.forEach(function (data) {
        var item = result(data, state);
        first = first || item.querySelector("a");
        list.appendChild(item);
      });
      more.hidden = list.children.length >= shown.total;
      if (focus && first) first.focus();
    });
  }

  // ---- one result -------------------------------------------------------------------------------
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function result(data, state) {
    var item = element("li", "result");
    var title = element("h2", "result-title");
    var link = element("a", "", data.meta.title || data.url);
    link.href = target(data.url, state);
    title.appendChild(link);
    item.appendChild(title);
    var facts = [];
    if (data.filters && data.filters.kind) facts.push(data.filters.kind[0]);
    if (data.meta.date) facts.push(longdate(data.meta.date));
    if (facts.length) item.appendChild(element("p", "kicker", facts.join(" \u00b7 ")));
    var excerpt = element("p", "excerpt");
    pieces(data, state).forEach(function (piece, i) {
      excerpt.appendChild(i % 2 ? element("mark", "", piece) : document.createTextNode(piece));
    });
    item.appendChild(excerpt);
    return item;
  }

  function longdate(iso) {
    var p = iso.split("-").map(Number);
    return p.length === 3 ? p[2] + " " + MONTHS[p[1] - 1] + " " + p[0] : iso;
  }

  // The entry's address, with the words to highlight there: Pagefind's for a search by words; the
  // typed runs of characters for Chinese or Japanese, since Pagefind names single characters.
  function target(url, state) {
    var at = new URL(url, location.href), params = at.searchParams;
    var runs = state.q.match(RUNS) || [];
    if (!state.q || runs.length) {
      params.delete("highlight");
      if (runs.length) runs.concat(state.q.replace(RUNS, " ").split(/\s+/).filter(Boolean)).forEach(function (w) {
        params.append("highlight", w);
      });
    }
    at.search = params.toString();
    return at.pathname + at.search + at.hash;
  }

  // The excerpt as alternating plain and marked text. Pagefind's own, except for Chinese or Japanese:
  // Pagefind would cut it from the hidden characters, so it is cut around the typed run instead.
  function pieces(data, state) {
    var runs = state.q.match(RUNS) || [];
    if (!runs.length) {
      return (data.excerpt || "").split(/<\/?mark>/).map(decode);
    }
    var text = decode(data.content || "").replace(SPACED, "");
    var at = -1, found = "";
    runs.forEach(function (run) {
      var i = text.indexOf(run);
      if (i >= 0 && (at < 0 || i < at)) { at = i; found = run; }
    });
    if (at < 0) return [data.meta.summary || text.slice(0, 120)];
    var start = Math.max(0, at - 30), end = Math.min(text.length, at + found.length + 70);
    var window_ = (start ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
    var out = [], rest = window_;
    for (;;) {
      var next = -1, hit = "";
      runs.forEach(function (run) {
        var i = rest.indexOf(run);
        if (i >= 0 && (next < 0 || i < next)) { next = i; hit = run; }
      });
      if (next < 0) { out.push(rest); return out; }
      out.push(rest.slice(0, next), hit);
      rest = rest.slice(next + hit.length);
    }
  }

  var parser = new DOMParser();
  function decode(html) { return parser.parseFromString(html, "text/html").documentElement.textContent || ""; }

  // ---- filters ----------------------------------------------------------------------------------
  function build(available) {
    names(Object.keys(available)).forEach(function (name) {
      var values = Object.keys(available[name]);
      if (!values.length) return;
      var numbers = values.every(function (v) { return /^\d+$/.test(v); });
      values.sort(function (a, b) { return numbers ? Number(b) - Number(a) : a.localeCompare(b); });
      var label = name.charAt(0).toUpperCase() + name.slice(1);
      var details = element("details", "filter");
      details.open = open.indexOf(name) >= 0;
      details.appendChild(element("summary", "", label));
      var group = element("fieldset");
      group.appendChild(element("legend", "vh", label));
      boxes[name] = {};
      values.forEach(function (value) {
        var row = element("label");
        var input = element("input");
        input.type = "checkbox";
        input.name = name;
        input.value = value;
        var count = element("span", "count");
        row.append(input, " " + value + " ", count);
        group.appendChild(row);
        boxes[name][value] = { label: row, input: input, count: count, total: available[name][value] };
      });
      details.appendChild(group);
      panel.appendChild(details);
    });
  }

  // How many of the results each value would leave; a value that would leave none is hidden unless chosen.
  function counts(found) {
    Object.keys(boxes).forEach(function (name) {
      Object.keys(boxes[name]).forEach(function (value) {
        var b = boxes[name][value];
        var n = found ? (found[name] && found[name][value]) || 0 : b.total;
        b.count.textContent = String(n);
        b.label.hidden = !n && !b.input.checked;
      });
    });
  }

  // ---- start ----------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    commit(true);
  });
  box.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { commit(false); }, 250);
  });
  sorter.addEventListener("change", function () { commit(true); });
  panel.addEventListener("change", function () { commit(true); });
  more.addEventListener("click", function () { page(generation, true); });
  window.addEventListener("popstate", function () {
    var state = fromAddress();
    show(state);
    run(state);
  });

  import(bundle + "pagefind.js").then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: base, highlightParam: "highlight", excerptLength: 24 });
  }).then(function () {
    return Promise.all(parts.map(function (part, i) {
      return pagefind.mergeIndex(bundle + part, { baseUrl: base, highlightParam: "highlight",
                                                   indexWeight: 1 + (i + 1) * TAG });
    }));
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    build(available);
    form.hidden = false;
    var state = fromAddress();
    show(state);
    if (!state.q) box.focus();
    run(state);
  }, function () {
    document.getElementById("search-missing").hidden = false;
  });
})();
