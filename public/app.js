// Edge Portal's only page script (beside htmx): progress, error display and the current-page mark.
// Loaded on every page after htmx; the strict Content-Security-Policy allows same-origin scripts only.
(() => {
  const root = document.documentElement;
  let inFlight = 0;

  // A progress bar (CSS on html.is-loading) and aria-busy on <main> while any htmx request is in flight,
  // so every boosted navigation, table filter and form preview shows that something is happening.
  document.addEventListener("htmx:beforeRequest", () => {
    inFlight += 1;
    root.classList.add("is-loading");
    document.querySelector("main")?.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", () => {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight > 0) return;
    root.classList.remove("is-loading");
    document.querySelector("main")?.removeAttribute("aria-busy");
  });

  // htmx leaves 4xx/5xx responses unswapped, which would make a click look ignored. A boosted navigation
  // shows the server's error page in full; a fragment request shows the server's short notice in #flash.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (detail.xhr.status < 400) return;
    if (detail.boosted) {
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    const flash = document.getElementById("flash");
    if (!flash) return;
    detail.shouldSwap = true;
    detail.isError = false;
    detail.target = flash;
    detail.swapOverride = "innerHTML";
  });
  document.addEventListener("htmx:sendError", () => {
    const flash = document.getElementById("flash");
    if (flash) flash.textContent = "The portal could not be reached. Check your connection and try again.";
  });

  // The navigation link of the section being shown carries aria-current (read by screen readers, styled).
  function markCurrent() {
    const path = location.pathname;
    let best = null;
    for (const link of document.querySelectorAll(".topbar nav a")) {
      const href = link.getAttribute("href") ?? "";
      link.removeAttribute("aria-current");
      const matches = href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
      if (matches && (!best || href.length > best.getAttribute("href").length)) best = link;
    }
    best?.setAttribute("aria-current", "page");
  }
  document.addEventListener("DOMContentLoaded", markCurrent);
  document.addEventListener("htmx:pushedIntoHistory", markCurrent);
  document.addEventListener("htmx:historyRestore", markCurrent);
  // A new page clears the notice of the previous one.
  document.addEventListener("htmx:pushedIntoHistory", () => {
    const flash = document.getElementById("flash");
    if (flash) flash.textContent = "";
  });
})();
