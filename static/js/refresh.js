// Reloads a page that waits for files being rendered; the element's data-refresh gives the seconds.
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh]");
  if (box) window.setTimeout(function () { window.location.reload(); }, 1000 * Number(box.dataset.refresh));
})();
