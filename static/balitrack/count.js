// A live count under a text box with a limit (data-count-limit), so an officer knows before
// saving that a note is too long. The server refuses an over-long note; nothing is cut here.
function showCount(box) {
  const limit = Number(box.dataset.countLimit);
  const counter = document.getElementById(`${box.id}_count`);
  if (!counter) return;
  // Line breaks count as one character, as the server counts them.
  const used = box.value.replace(/\r\n/g, "\n").trim().length;
  counter.textContent = `${used.toLocaleString("en-GB")} of ${limit.toLocaleString("en-GB")} characters`;
  counter.classList.toggle("field__count--over", used > limit);
}

document.addEventListener("input", (event) => {
  if (event.target.matches("[data-count-limit]")) showCount(event.target);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-count-limit]").forEach(showCount);
});
