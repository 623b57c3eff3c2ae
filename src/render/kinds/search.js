// Kiln's fragment search reader: results as you type, fetching only the word files a query's
// words fall in and the files of the results shown. Markup it looks for:
// <form data-kiln-search> with <input name="q">, and an element with data-kiln-results, whose
// data-none, data-one and data-other (with `{n}`) give the status line in the page's language.
(() => {
  const form = document.querySelector("form[data-kiln-search]");
  const out = document.querySelector("[data-kiln-results]");
  if (!form || !out) return;
  const input = form.querySelector("input[name=q]");
  const root = new URL("./", document.currentScript.src).href;
  const cache = new Map();
  const get = (file) => {
    if (!cache.has(file)) cache.set(file, fetch(root + file).then((r) => r.json()));
    return cache.get(file);
  };
  let meta;
  let asked = 0;

  const split = (text) =>
    text.toLowerCase().split(/[^\p{L}\p{N}]+/u)
      .filter((w) => [...w].length > 1 && !meta.stop.includes(w));

  // The word files that can hold words starting with `word` (at most four).
  const filesFor = (word) => {
    const first = meta.first;
    let lo = 0, hi = first.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (first[mid] <= word) lo = mid; else hi = mid - 1;
    }
    const files = [lo];
    while (files.length < 4 && lo + files.length < first.length
      && first[lo + files.length].startsWith(word)) files.push(lo + files.length);
    return files;
  };

  // Document → score for every word starting with `word`; a whole-word match counts double.
  const scores = async (word) => {
    const found = new Map();
    for (const n of filesFor(word)) {
      const words = await get(`words/${n}.json`);
      for (const [w, postings] of Object.entries(words)) {
        if (!w.startsWith(word)) continue;
        const boost = w === word ? 2 : 1;
        for (let i = 0, doc = 0; i < postings.length; i += 2) {
          doc += postings[i]; // each document is the step from the one before
          found.set(doc, (found.get(doc) || 0) + postings[i + 1] * boost);
        }
      }
    }
    return found;
  };

  // `text` as nodes, with every word starting with a query word in <mark>.
  const marked = (text, words) => {
    const p = document.createElement("p");
    for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
      const lower = part.toLowerCase();
      if (words.some((w) => lower.startsWith(w))) {
        p.append(Object.assign(document.createElement("mark"), { textContent: part }));
      } else p.append(part);
    }
    return p;
  };

  // About 30 words of the text, starting a little before the first match.
  const excerpt = (text, words) => {
    const all = text.split(/\s+/);
    const at = all.findIndex((t) => words.some((w) => t.toLowerCase().replace(/^\P{L}+/u, "").startsWith(w)));
    const from = Math.max(0, at - 8);
    return (from > 0 ? "… " : "") + all.slice(from, from + 30).join(" ") + (all.length > from + 30 ? " …" : "");
  };

  const show = (docs, words, count) => {
    const list = document.createElement("ol");
    list.className = "search-results";
    for (const doc of docs) {
      const item = document.createElement("li");
      const link = Object.assign(document.createElement("a"), { href: doc.url, textContent: doc.title });
      const head = document.createElement("h3");
      head.append(link);
      const about = document.createElement("p");
      about.className = "search-result__meta";
      about.textContent = [doc.show, doc.date].filter(Boolean).join(" · ");
      item.append(head, about, marked(excerpt(doc.text, words), words));
      list.append(item);
    }
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    const say = out.dataset;
    const counted = count === 1 ? say.one || "{n} result" : say.other || "{n} results";
    status.textContent = count ? counted.replace("{n}", count) : say.none || "No episodes match.";
    out.replaceChildren(status, list);
  };

  const search = async (query) => {
    const mine = ++asked;
    meta = meta || await get("meta.json");
    const words = split(query);
    if (!words.length) {
      out.replaceChildren();
      return;
    }
    const maps = await Promise.all(words.map(scores));
    const [first, ...rest] = maps;
    const ranked = [...first].filter(([doc]) => rest.every((m) => m.has(doc)))
      .map(([doc, score]) => [doc, rest.reduce((s, m) => s + m.get(doc), score)])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const docs = await Promise.all(ranked.slice(0, 10).map(([doc]) => get(`docs/${doc}.json`)));
    if (mine === asked) show(docs, words, ranked.length);
  };

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 30);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
    search(input.value);
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    search(q);
  }
})();
