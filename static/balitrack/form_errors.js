// After a refused submit the page comes back from the server with an error summary at the top
// of the form (templates/_form_errors.html). Focus goes there, so a screen reader reads what is
// wrong first and a keyboard user tabs on into its links, instead of starting again at the top
// of the page. A page without a summary is left alone; without JavaScript the links still work.
function focusFirstError() {
  const summary = document.querySelector("[data-error-summary]");
  const target = summary || document.querySelector("form [aria-invalid='true']");
  if (!target) return;
  target.focus();
}

// A summary's link focuses its field with the field's label in view: followed as a plain
// fragment link, the browser puts the field at the very top of the window, above which its
// label is cut off.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
});

document.addEventListener("DOMContentLoaded", focusFirstError);
