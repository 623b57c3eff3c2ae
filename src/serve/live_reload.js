// Kiln live reload: injected by `kiln serve` only; the built site never contains it.
// Listens to the server's event stream and reloads the page, swaps changed stylesheets in
// place, or shows the build error over the page.
(() => {
  "use strict";
  const script = document.currentScript;
  // The generation this page shows; the server tells a page that connects late what it missed.
  let seen = (script && script.dataset.generation) || "0";
  let events = null;

  function connect() {
    events = new EventSource("/__kiln/events?since=" + encodeURIComponent(seen));
    events.addEventListener("reload", () => location.reload());
    events.addEventListener("stylesheets", (event) => {
      seen = event.lastEventId;
      swapStylesheets(new Set(JSON.parse(event.data)));
    });
    // The server renders the overlay (the same markup it puts in pages served while the build
    // is broken), so there is one overlay, not two.
    events.addEventListener("build-error", (event) => {
      seen = event.lastEventId;
      const old = document.getElementById("kiln-build-error");
      if (old) old.remove();
      document.body.insertAdjacentHTML("beforeend", JSON.parse(event.data));
    });
  }

  function swapStylesheets(changed) {
    let swapped = false;
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      // By path only: links carry the base URL (127.0.0.1), the tab may say localhost.
      const url = new URL(link.href, location.href);
      if (!changed.has(decodedPath(url.pathname))) continue;
      swapped = true;
      // Load the new sheet beside the old one and drop the old one once it applies, so the
      // page never shows unstyled for a frame.
      url.searchParams.set("kiln", seen);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => link.remove(), { once: true });
      link.after(fresh);
    }
    // The sheet may reach this page through @import, which cannot be swapped: reload instead.
    if (!swapped) location.reload();
  }

  // The server names files as they are (`/thème.css`); URLs percent-encode them.
  function decodedPath(path) {
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  }

  // Browsers allow six HTTP/1.1 connections per host: hidden tabs let go of theirs, so a
  // seventh tab still loads, and catch up when shown again.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && events) {
      events.close();
      events = null;
    } else if (!document.hidden && !events) {
      connect();
    }
  });
  if (!document.hidden) connect();
})();
