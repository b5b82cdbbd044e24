// Call intake: Ctrl+Enter saves from anywhere; a second click cannot send a second request
// (the idempotency key makes a retry harmless anyway).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) return;
    var save = document.getElementById("save-call");
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit(save);
      }
    });
    form.addEventListener("submit", function (event) {
      // htmx posts the recommendation on change; a real submit is a full-page POST.
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
      if (save) { save.disabled = true; save.textContent = "Saving…"; }
    });
  });
})();
