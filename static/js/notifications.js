// The header's notification bell (templates/base.html): asks the server for the unread
// count every `data-poll-ms` (NOTIFICATIONS_POLL_SECONDS) and when the tab comes back into
// view, and updates the badge without a reload. A hidden tab does not ask.
(function () {
  "use strict";
  const bell = document.querySelector("[data-testid=nav-notifications]");
  if (!bell) return;
  const badge = bell.querySelector(".notify-count");
  const url = bell.dataset.unreadUrl;
  const every = Math.max(1000, parseInt(bell.dataset.pollMs, 10) || 30000);
  let timer = null;
  let busy = false;

  function show(count) {
    const n = Math.max(0, Number(count) || 0);
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.classList.toggle("hidden", n === 0);
    bell.setAttribute("aria-label", `Notifications, ${n} unread`);
    bell.classList.toggle("has-unread", n > 0);
  }

  async function refresh() {
    if (busy || document.visibilityState === "hidden") return;
    busy = true;
    try {
      const answer = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (answer.status === 401) {
        stop(); // logged out elsewhere: stop asking
        return;
      }
      if (answer.ok) show((await answer.json()).unread);
    } catch (error) {
      // Offline or the server restarting: the next round tries again.
    } finally {
      busy = false;
    }
  }

  function start() {
    if (timer === null) timer = window.setInterval(refresh, every);
  }
  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
      start();
    } else {
      stop();
    }
  });
  show(badge.textContent);
  start();
})();
