// The action register. Served by BaliTrack itself: the Content-Security-Policy allows no
// inline script. Without it the page still works: the filters open from their summary,
// and "Copy link" is a link to this very page.

// Filters fold on a phone so the results come first; a wider screen has room for them
// beside the results, so they open there.
const fold = document.querySelector("[data-filters-fold]");
const wide = window.matchMedia("(min-width: 601px)");
if (fold && wide.matches) fold.open = true;
// A phone turned sideways or a window widened gets them too; narrowing leaves them as they are.
wide.addEventListener("change", (change) => {
  if (fold && change.matches) fold.open = true;
});

document.addEventListener("click", async (event) => {
  const link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const status = document.getElementById(link.dataset.copyStatus);
  try {
    await navigator.clipboard.writeText(link.href);
    link.dataset.copied = link.href;
    status.textContent = "Link copied";
  } catch {
    status.textContent = "The link could not be copied; it is this page's address.";
  }
});
