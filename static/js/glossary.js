// The glossary warning of the translation editor, kept up to date while the translator types.
// The server shows the same warning on load and after a save; this only saves a round trip.
(function () {
  "use strict";
  if (window.glossaryWarnings) {
    return;
  }
  window.glossaryWarnings = true;
  // The same normalisation as glossary/matching.py: case, spacing, Arabic vowel signs and joiners do not count.
  var marks = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var invisible = /[\u200c\u200d\u00ad]/g;
  var letters = { "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9" };
  function normalise(text) {
    return (text || "")
      .normalize("NFC")
      .toLowerCase()
      .replace(marks, "")
      .replace(invisible, "")
      .replace(/[\u064a\u0649\u0643]/g, function (letter) { return letters[letter]; })
      .replace(/\s+/g, " ")
      .trim();
  }
  function used(text, forms) {
    return forms.filter(function (form) {
      var wanted = normalise(form);
      return wanted && text.indexOf(wanted) !== -1;
    });
  }
  function check(aside, textarea) {
    var text = normalise(textarea.value);
    var warning = aside.querySelector(".glossary-warning");
    var any = false;
    aside.querySelectorAll(".glossary-entry").forEach(function (entry) {
      var forms = JSON.parse(entry.dataset.forms || "[]");
      var avoided = used(text, JSON.parse(entry.dataset.avoid || "[]"));
      var missing = forms.length > 0 && text !== "" && (used(text, forms).length === 0 || avoided.length > 0);
      var item = warning.querySelector('.glossary-missing[data-term="' + entry.dataset.term + '"]');
      if (item) {
        item.hidden = !missing;
        var note = item.querySelector(".glossary-avoided");
        note.hidden = avoided.length === 0;
        note.querySelector(".glossary-avoided-forms").textContent = avoided.join(", ");
      }
      any = any || missing;
    });
    warning.hidden = !any;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".unit-glossary[data-textarea]").forEach(function (aside) {
      var textarea = document.getElementById(aside.dataset.textarea);
      if (textarea) {
        textarea.addEventListener("input", function () { check(aside, textarea); });
      }
    });
  });
})();
