// The review report's Print button. Served by BaliTrack itself, so no inline script is needed.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
