// Call intake: Ctrl+Enter saves from anywhere; a second click cannot send a second request
// (the idempotency key makes a retry harmless anyway).
//
// The form is kept as a draft in this tab's sessionStorage until the call is saved, so a
// refresh loses nothing. The draft holds the hidden received time and idempotency key too:
// saving a restored draft of a call that was in fact saved gives back that call, never a
// second one. The server names the key of the call it just saved (data-saved-key), whose
// draft is then dropped; console.js removes every draft at sign-out.
(function () {
  "use strict";

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage refused by the browser: the form works, without drafts
    }
  }

  // The named inputs of the form, including those outside it that belong to it (form="...").
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function read(form) {
    var values = {};
    fields(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  // Events this script sends itself: they refresh the page's parts but are no typing to keep.
  var quiet = false;

  function send(el, type) {
    quiet = true;
    try {
      el.dispatchEvent(new Event(type, { bubbles: true }));
    } finally {
      quiet = false;
    }
  }

  function write(form, values) {
    fields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(values, el.name) && el.value !== values[el.name]) {
        el.value = values[el.name];
        send(el, "input"); // the narrative's counter
      }
    });
  }

  function refreshPanels(form) {
    // The recommendation and the side panel follow the form's "change" (htmx triggers).
    send(form.querySelector("#id_address") || form, "change");
  }

  function startDraft(form) {
    var store = storage();
    var key = form.dataset.draftKey;
    if (!store || !key) return;
    var fresh = read(form);
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      draft = null;
    }
    var saved = form.dataset.savedKey;
    if (draft && (!draft.fields || (saved && draft.fields.idempotency_key === saved))) {
      store.removeItem(key);
      draft = null;
    }
    var note = document.getElementById("draft-note");
    var pendingPerson = null;

    function keep() {
      try {
        store.setItem(key, JSON.stringify({ at: Date.now(), fields: read(form) }));
      } catch (e) { /* storage full: the form still works */ }
    }

    // A form the server sent back with errors already holds what was typed.
    if (draft && form.dataset.bound !== "1") {
      write(form, draft.fields);
      pendingPerson = draft.fields.person_id || null;
      if (note) note.hidden = false;
      setTimeout(function () { refreshPanels(form); }, 0); // after htmx has set up
    }

    // The person list arrives with the side panel: choose the draft's person once it is there.
    document.addEventListener("htmx:afterSettle", function () {
      if (!pendingPerson) return;
      var select = document.getElementById("id_person_id");
      if (!select) return;
      var wanted = pendingPerson;
      pendingPerson = null;
      if (select.value !== wanted && select.querySelector('option[value="' + wanted + '"]')) {
        select.value = wanted;
        send(select, "change");
      }
    });

    ["input", "change"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (!quiet && event.target.form === form) keep();
      });
    });
    form.addEventListener("submit", keep);

    var discard = document.getElementById("draft-discard");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        write(form, fresh);
        pendingPerson = null;
        if (note) note.hidden = true;
        refreshPanels(form);
        var first = document.getElementById("id_call_type");
        if (first) first.focus();
      });
    }
  }

  // The narrative's length against its limit: a longer one is refused by the server, by
  // field, with all of it kept; never cut here.
  function startCounter() {
    var area = document.getElementById("id_narrative");
    var out = document.getElementById("narrative-count");
    if (!area || !out) return;
    var max = parseInt(area.dataset.maxChars, 10);
    if (!max) return;
    var number = new Intl.NumberFormat("en-US");
    function show() {
      var length = area.value.length;
      var text = number.format(length) + " / " + number.format(max) + " characters";
      if (length > max) {
        text += ": " + number.format(length - max) +
          " over the limit. Shorten it: a longer narrative is not saved.";
      }
      out.textContent = text;
      out.classList.toggle("over", length > max);
    }
    area.addEventListener("input", show);
    show();
  }

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
    startDraft(form);
    startCounter();
  });
})();
