// The review report's Print button. Served by BaliTrack itself, so no inline script is needed.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// The printed footer says when the page was printed, which may be long after it was opened.
window.addEventListener("beforeprint", () => {
  const footer = document.getElementById("print-footer");
  if (!footer) return;
  const now = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Bangkok", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(new Date());
  footer.textContent = footer.textContent.replace(/printed [^"]*Bangkok time/, `printed ${now} Bangkok time`);
});
