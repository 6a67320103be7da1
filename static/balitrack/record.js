// Record a statement, step 4 (templates/meetings/record_attendance.html), progressive
// enhancement: without JavaScript, "Select all" is a link that reloads the checklist with the
// forum's members ticked, and every other member is listed, unfiltered.
(function () {
  "use strict";

  function selectAll(link) {
    var list = document.getElementById(link.getAttribute("data-select-all"));
    if (!list) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var boxes = list.querySelectorAll("input[type=checkbox]");
      for (var i = 0; i < boxes.length; i += 1) boxes[i].checked = true;
    });
  }

  function filter(box) {
    var list = document.getElementById(box.getAttribute("data-filter-for"));
    var input = box.querySelector("input");
    var count = box.querySelector("[aria-live]");
    if (!list || !input) return;
    var rows = list.querySelectorAll("[data-name]");
    box.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      for (var i = 0; i < rows.length; i += 1) {
        // A ticked member stays in view, so a filter never hides what will be saved.
        var ticked = rows[i].querySelector("input[type=checkbox]").checked;
        var match = !wanted || rows[i].getAttribute("data-name").indexOf(wanted) !== -1 || ticked;
        rows[i].hidden = !match;
        if (match) shown += 1;
      }
      if (count) count.textContent = wanted ? shown + " of " + rows.length + " members shown" : "";
    });
  }

  document.querySelectorAll("[data-select-all]").forEach(selectAll);
  document.querySelectorAll("[data-filter-for]").forEach(filter);
})();
