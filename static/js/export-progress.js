// Polls the export job's status and updates the page in place until the PDF is ready.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) return;
  var progress = document.getElementById("export-progress");
  var stage = document.getElementById("export-stage");
  var error = document.getElementById("export-error");
  var download = document.getElementById("export-download");
  var delay = 1000;

  function update(data) {
    progress.value = data.progress;
    progress.textContent = data.progress + "%";
    stage.textContent = data.stage_label;
    box.dataset.status = data.status;
    if (data.error) {
      error.textContent = data.error;
      error.hidden = false;
    }
    if (data.status === "done") {
      download.hidden = false;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.status === "done" || data.status === "failed") return;
        delay = Math.min(delay * 1.3, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A dropped connection is normal on a slow network: keep trying, less often.
        window.setTimeout(poll, 5000);
      });
  }

  if (box.dataset.status !== "done" && box.dataset.status !== "failed") {
    window.setTimeout(poll, delay);
  }
})();
