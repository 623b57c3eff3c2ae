// Kiln live reload: injected by `kiln serve` only; the built site never contains it.
// Listens to the server's event stream and reloads the page, swaps changed stylesheets in
// place, or shows the build error over the page.
(() => {
  "use strict";
  const script = document.currentScript;
  const since = (script && script.dataset.generation) || "0";
  const events = new EventSource("/__kiln/events?since=" + encodeURIComponent(since));

  events.addEventListener("reload", () => location.reload());

  events.addEventListener("stylesheets", (event) => {
    const changed = new Set(JSON.parse(event.data));
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || !changed.has(url.pathname)) continue;
      // Load the new sheet beside the old one and drop the old one once it applies, so the
      // page never shows unstyled for a frame.
      url.searchParams.set("kiln", String(Date.now()));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => link.remove(), { once: true });
      link.after(fresh);
    }
    removeOverlay();
  });

  // The server renders the overlay (the same markup it puts in pages served while the build is
  // broken), so there is one overlay, not two.
  events.addEventListener("build-error", (event) => {
    removeOverlay();
    document.body.insertAdjacentHTML("beforeend", JSON.parse(event.data));
  });

  function removeOverlay() {
    const old = document.getElementById("kiln-build-error");
    if (old) old.remove();
  }
})();
