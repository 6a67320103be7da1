// Names for the admin widgets that Django's own scripts leave unnamed, as axe-core finds
// them (tests/browser/test_accessibility_in_browser.py):
// - an autocomplete box (select2) is a combobox named only by the value it shows, so it
//   has no name while empty: it is named by its field's label, or by the select's own
//   aria-label in a tabular inline's row, and its search box likewise;
// - the filter boxes of a many-to-many field (SelectFilter2) put aria-label on a plain
//   span, where ARIA does not allow it: the span is an image, the help icon it shows.
// - select2's "remove all" cross sits in its list of chosen values as a bare span, where a
//   list allows only items: it is put in an item of its own (select2 finds it by its class).
// - on a phone an inline's table scrolls sideways inside its group, which then takes focus so
//   the keyboard can scroll it as well (2.1.1).
// select2 draws its boxes again as values are chosen, so this runs on every change.
(function () {
  "use strict";

  function nameOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      if (!label.id) label.id = select.id + "_label";
      return { labelId: label.id, text: label.textContent.replace(/:\s*$/, "").trim() };
    }
    return { labelId: null, text: select.getAttribute("aria-label") || select.name };
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var name = nameOf(select);
      var combobox = box.querySelector(".select2-selection");
      var shown = box.querySelector(".select2-selection__rendered");
      if (combobox && shown && shown.id && name.labelId) {
        combobox.setAttribute("aria-labelledby", name.labelId + " " + shown.id);
      } else if (combobox && combobox.getAttribute("aria-label") !== name.text) {
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", name.text);
      }
      // The chosen value is read as part of the combobox's name, not as a textbox of its own.
      if (shown && shown.getAttribute("role") === "textbox") {
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
      }
      box.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(function (cross) {
        var item = document.createElement("li");
        item.className = "select2-selection__clear-item";
        cross.parentNode.insertBefore(item, cross);
        item.appendChild(cross);
      });
      box.querySelectorAll(".select2-search__field").forEach(function (search) {
        if (!search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search: " + name.text);
      });
    });
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function focusScrollingGroups() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      var scrolls = group.scrollWidth > group.clientWidth;
      if (scrolls && !group.hasAttribute("tabindex")) {
        group.setAttribute("tabindex", "0");
        group.dataset.scrollFocus = "on";
      } else if (!scrolls && group.dataset.scrollFocus) {
        group.removeAttribute("tabindex");
        delete group.dataset.scrollFocus;
      }
    });
  }

  function start() {
    nameAutocompletes();
    focusScrollingGroups();
    window.addEventListener("resize", focusScrollingGroups);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        nameAutocompletes();
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // After Django's own scripts, which draw these widgets on load.
  if (document.readyState === "complete") start();
  else window.addEventListener("load", function () { window.setTimeout(start, 0); });
})();
