// Translation memory in the editor: "Use" fills a 100% match into the unit's textarea.
// The buttons are hidden in the page: without this script the matches stay as text to copy.
(function () {
  "use strict";
  function apply(button) {
    var box = document.getElementById(button.getAttribute("aria-controls"));
    var source = document.getElementById(button.dataset.textFrom);
    if (!box || !source) return;
    var text = source.textContent;
    if (button.dataset.apply === "replace" || !box.value.trim()) {
      box.value = text;
    } else {
      // A sentence goes where the cursor is, a space apart from the text around it.
      var start = box.selectionStart, end = box.selectionEnd;
      var before = box.value.slice(0, start), after = box.value.slice(end);
      if (before && !/\s$/.test(before)) text = " " + text;
      if (after && !/^\s/.test(after)) text = text + " ";
      box.setRangeText(text, start, end, "end");
    }
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  }
  document.querySelectorAll(".memory-apply").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { apply(button); });
  });
})();
