// The responder's phone (docs/responder-app.md): the page works without signal.
//
// Every field action (a status change, a backup request, a clearing) is put in a queue in
// IndexedDB first, with an Idempotency-Key and the time it was made, then sent to the API in
// order whenever the phone is online. A resend after a lost answer stores nothing twice (the
// key); the time made is stored as the field's time (`at`). An action the server refuses
// (409: the call was reassigned or closed meanwhile; 400: bad input) stays in the list with
// the server's message until the responder dismisses it: nothing is dropped unseen.
//
// Without JavaScript the forms post to the console as before.
(function () {
  "use strict";

  var DB_NAME = "fifth-branch-responder";
  var STORE = "queue";
  var CLOCK = "fifth-branch:responder-clock";
  var RETRY_MS = 10000;

  // What each kind of action sends: its URL and JSON body from the form that made it, the
  // label of the "waiting to send" list, what the page shows at once (before it is sent) and
  // once the server took it. `latest`: only the newest waiting one is worth sending (a unit's
  // position). A new field action is one more entry here; see docs/responder-app.md.
  var ACTIONS = {
    status: {
      url: function (root) { return "/api/v1/units/" + root.dataset.unit + "/status/"; },
      body: function (form, submitter, root) {
        var body = { status: submitter.value };
        if (root.dataset.call) body.call = Number(root.dataset.call);
        return body;
      },
      label: function (form, submitter) { return "Status: " + submitter.textContent.trim(); },
      shown: function (form, submitter) { showStatus(submitter.value, submitter.textContent.trim()); },
      restore: function (item) { showStatus(item.body.status, item.label.replace("Status: ", "")); },
      sent: function (item) { return item.label + " (sent)"; },
    },
    backup: {
      url: function (root) { return "/api/v1/calls/" + root.dataset.call + "/backup/"; },
      body: function (form, submitter, root) {
        return { reason: form.elements.reason.value.trim(), unit: Number(root.dataset.unit) };
      },
      label: function (form) { return "Police backup: " + form.elements.reason.value.trim(); },
      shown: function (form) { form.reset(); },
      restore: function () {},
      sent: function () { return "Police backup requested: dispatch has been alerted."; },
    },
    clear: {
      url: function (root) { return "/api/v1/calls/" + root.dataset.call + "/clear/"; },
      body: clearBody,
      label: function (form, submitter, root) {
        var select = form.elements.disposition;
        return "Clear call " + root.dataset.call + ": " + select.options[select.selectedIndex].text;
      },
      shown: hideCall,
      restore: hideCall,
      sent: function (item) { return "Call " + item.call + " cleared (" + item.label.split(": ")[1] + ")."; },
    },
    note: {
      url: function (root) { return "/api/v1/calls/" + root.dataset.call + "/notes/"; },
      body: function (form) { return { text: form.elements.text.value.trim() }; },
      label: function (form) { return "Note: " + form.elements.text.value.trim().slice(0, 40); },
      shown: function (form) { showNote(form.elements.text.value.trim()); form.reset(); },
      restore: function () {},
      sent: function (item) { return "Note added to call " + item.call + ": it is on the call's timeline."; },
    },
    // The unit's position (share_location.js): only the newest waiting point is sent, quietly.
    position: {
      latest: true,
      url: function (root) { return "/api/v1/units/" + root.dataset.unit + "/position/"; },
      label: function () { return "Position"; },
      shown: function () {},
      restore: function () {},
      sent: function () { return ""; },
    },
  };

  // A clearing waiting to send: the call stays readable, its forms go.
  // A note shows in the call's notes at once, signal or not (the queue sends it).
  function showNote(text) {
    var list = document.querySelector("ul.notes");
    if (!list) {
      list = document.createElement("ul");
      list.className = "notes";
      var form = document.querySelector("form[data-queue=note]");
      form.parentNode.insertBefore(list, form.nextSibling);
    }
    var item = document.createElement("li");
    var time = document.createElement("span");
    time.className = "num";
    time.textContent = serverNow().toTimeString().slice(0, 5);
    item.appendChild(time);
    item.appendChild(document.createTextNode(" " + text));
    list.insertBefore(item, list.firstChild);
  }

  function hideCall() {
    document.querySelectorAll("[data-clear-part]").forEach(function (el) { el.hidden = true; });
    var note = document.querySelector("[data-clearing-note]");
    if (note) note.hidden = false;
    showStatus("available", "Available");
  }

  function clearBody(form, submitter, root) {
    var els = form.elements;
    var body = {
      unit: Number(root.dataset.unit),
      disposition: els.disposition.value,
      felt_safe: [],
    };
    Array.prototype.forEach.call(form.querySelectorAll("select[name^=safe_]"), function (select) {
      body.felt_safe.push({ responder: Number(select.name.slice(5)), safe: select.value === "yes" });
    });
    var consent = els.referral_consent ? els.referral_consent.value : "";
    if (consent === "yes" || consent === "no") {
      var referral = { consent: consent === "yes", needs: [] };
      Array.prototype.forEach.call(form.querySelectorAll("input[name=needs]:checked"), function (box) {
        referral.needs.push(box.value);
      });
      ["person_name", "phone"].forEach(function (name) {
        if (els[name] && els[name].value.trim()) referral[name] = els[name].value.trim();
      });
      if (els.date_of_birth && els.date_of_birth.value.trim()) {
        referral.date_of_birth = els.date_of_birth.value.trim();
      }
      body.referral = referral;
    }
    return body;
  }

  // ---- the clock: the server's time as this phone sees it -------------------------------
  // A page from the server carries the time it was rendered: the phone's clock is corrected by
  // the difference (a phone's clock may be off). A copy opened from the cache without signal
  // (the worker marks it data-copy) keeps the correction of the last page from the server.
  var clock = { offset: 0, copy: false, rendered: 0 };

  function readClock(root) {
    clock.rendered = Date.parse(root.dataset.renderedAt);
    clock.copy = root.hasAttribute("data-copy");
    if (clock.copy) {
      try {
        clock.offset = Number(window.localStorage.getItem(CLOCK)) || 0;
      } catch (e) {
        clock.offset = 0;
      }
      return;
    }
    clock.offset = clock.rendered - Date.now();
    try {
      window.localStorage.setItem(CLOCK, String(clock.offset));
    } catch (e) { /* private mode: the correction of this load only */ }
  }

  function serverNow() { return new Date(Date.now() + clock.offset); }

  function showAge(root) {
    var el = root.querySelector("[data-age]");
    if (!el) return;
    var minutes = Math.max(0, Math.round((serverNow() - clock.rendered) / 60000));
    var offline = !navigator.onLine;
    var text = minutes < 1 ? "just now" : minutes + " min ago";
    el.textContent = (clock.copy || offline ? "As last seen, " : "Updated ") + text + (offline ? " · offline" : "");
    el.classList.toggle("stale", clock.copy || offline);
  }

  // ---- IndexedDB ---------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function allItems(user) {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return items.filter(function (item) { return item.user === user; }).sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function putItem(item) { return tx("readwrite", function (store) { return store.put(item); }); }

  function deleteItem(seq) { return tx("readwrite", function (store) { return store.delete(seq); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- the page ----------------------------------------------------------------------------
  var root;
  var flushing = false;

  function showStatus(value, label) {
    var status = document.querySelector(".unit-status");
    if (status) status.textContent = label;
    document.querySelectorAll("form[data-queue=status] button[name=status]").forEach(function (b) {
      b.disabled = b.value === value;
    });
  }

  function notice(text, kind) {
    var list = document.querySelector("ul.messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      document.getElementById("main").before(list);
    }
    var li = document.createElement("li");
    li.className = "msg-" + (kind || "success");
    li.textContent = text;
    list.appendChild(li);
  }

  // In the department's time zone, as the rest of the console shows times.
  function madeAt(iso) {
    var clockEl = document.querySelector("time.clock");
    var options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
    if (clockEl && clockEl.dataset.tz) options.timeZone = clockEl.dataset.tz;
    try {
      return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
    } catch (e) {
      return iso;
    }
  }

  function render(items) {
    var box = document.getElementById("outbox");
    var list = box.querySelector("ol");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "outbox-item " + item.state;
      li.dataset.seq = item.seq;
      var what = document.createElement("span");
      what.textContent = item.label + " · made " + madeAt(item.made_at);
      li.appendChild(what);
      var state = document.createElement("strong");
      state.className = "outbox-state";
      state.textContent = item.state === "waiting" ? "waiting to send" : (item.state === "conflict" ? "not recorded" : "refused");
      li.appendChild(state);
      if (item.message) {
        var message = document.createElement("p");
        message.className = "outbox-message";
        message.setAttribute("role", "alert");
        message.textContent = item.message;
        li.appendChild(message);
      }
      if (item.state !== "waiting") {
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "dismiss";
        dismiss.dataset.dismiss = item.seq;
        dismiss.textContent = "Dismiss";
        li.appendChild(dismiss);
      }
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
    box.querySelector("[data-count]").textContent = String(items.length);
  }

  function refresh() { return allItems(root.dataset.user).then(render); }

  function enqueue(kind, form, submitter) {
    var action = ACTIONS[kind];
    var body = action.body(form, submitter, root);
    var label = action.label(form, submitter, root);
    // The page shows the action at once, signal or not.
    action.shown(form, submitter);
    return enqueueBody(kind, body, label);
  }

  function enqueueBody(kind, body, label) {
    var action = ACTIONS[kind];
    body.at = serverNow().toISOString();
    var item = {
      user: root.dataset.user,
      kind: kind,
      method: "POST",
      url: action.url(root),
      body: body,
      key: newKey(),
      made_at: body.at,
      call: root.dataset.call || null,
      label: label,
      state: "waiting",
      message: "",
    };
    var older = action.latest
      ? allItems(item.user).then(function (items) {
          return Promise.all(items.filter(function (i) { return i.kind === kind && i.state === "waiting"; })
            .map(function (i) { return deleteItem(i.seq); }));
        })
      : Promise.resolve();
    return older.then(function () { return putItem(item); }).then(refresh).then(flush);
  }

  function problems(body) {
    if (!body || typeof body !== "object") return "";
    return Object.keys(body).filter(function (k) { return k !== "detail" || Object.keys(body).length === 1; })
      .map(function (k) {
        var v = body[k];
        return (k === "call" || k === "detail" ? "" : k + ": ") + (Array.isArray(v) ? v.join(" ") : String(v));
      }).join("; ");
  }

  // The page shows what the responder did, not what happened meanwhile: offer the server's.
  function changedMeanwhile() {
    if (document.querySelector("[data-changed-meanwhile]")) return;
    notice("The call changed while this phone was offline. ", "warning");
    var li = document.querySelector("ul.messages li:last-child");
    li.setAttribute("data-changed-meanwhile", "");
    var link = document.createElement("a");
    link.href = location.pathname;
    link.textContent = "Show the unit as it is now";
    li.appendChild(link);
  }

  function signInAgain() {
    if (document.querySelector("[data-sign-in-again]")) return;
    notice("The console no longer knows this phone's session: the waiting actions are kept. ", "error");
    var li = document.querySelector("ul.messages li:last-child");
    li.setAttribute("data-sign-in-again", "");
    var link = document.createElement("a");
    link.href = "/accounts/login/?next=" + encodeURIComponent(location.pathname);
    link.textContent = "Sign in again to send them";
    li.appendChild(link);
  }

  function sendOne(item) {
    return fetch(item.url, {
      method: item.method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": item.key,
        "X-CSRFToken": root.dataset.csrf,
      },
      body: JSON.stringify(item.body),
    }).then(function (response) {
      if (response.ok) {
        return deleteItem(item.seq).then(function () {
          var said = ACTIONS[item.kind].sent(item);
          if (said) notice(said);
          return "sent";
        });
      }
      if (response.status === 409 || response.status === 400 || response.status === 404) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          item.state = response.status === 409 ? "conflict" : "refused";
          item.message = problems(body) || ("refused (" + response.status + ")");
          return putItem(item).then(function () {
            if (item.state === "conflict") changedMeanwhile();
            return "kept";
          });
        });
      }
      if (response.status === 401 || response.status === 403) signInAgain();
      // Signed out (401/403), or the server is down (5xx): try again later, in order.
      return "stop";
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return allItems(root.dataset.user).then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      var chain = Promise.resolve("sent");
      waiting.forEach(function (item) {
        chain = chain.then(function (previous) { return previous === "stop" ? "stop" : sendOne(item); });
      });
      return chain;
    }).catch(function () {
      return "stop"; // no signal after all: the items wait
    }).then(function () {
      flushing = false;
      showAge(root);
      return refresh();
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-sign-out")) {
      // No call data stays in the phone's cache after a sign-out (the queue stays, keyed by
      // user: it is sent when the same responder signs in again).
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget" });
      }
      return;
    }
    var kind = form.dataset && form.dataset.queue;
    if (!kind || !ACTIONS[kind]) return;
    event.preventDefault();
    enqueue(kind, form, event.submitter || form.querySelector("button[type=submit]"));
  }

  function onClick(event) {
    var seq = event.target.dataset && event.target.dataset.dismiss;
    if (!seq) return;
    deleteItem(Number(seq)).then(refresh);
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The shell and the assets this page loaded before the worker controlled it.
      var urls = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], script[src], link[rel=manifest], link[rel=icon]").forEach(function (el) {
        urls.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      if (!registration.active) return;
      var channel = new MessageChannel();
      channel.port1.onmessage = function () {
        // The shell is on the phone: it opens without signal from now on.
        root.dataset.offlineReady = "yes";
        var ready = root.querySelector("[data-offline-ready-note]");
        if (ready) ready.hidden = false;
      };
      registration.active.postMessage({ type: "cache", urls: urls }, [channel.port2]);
    }).catch(function () { /* no worker: the page still queues */ });
  }

  function start() {
    root = document.querySelector("[data-responder]");
    if (!root || !window.indexedDB) return;
    readClock(root);
    showAge(root);
    document.addEventListener("submit", onSubmit);
    document.addEventListener("click", onClick);
    window.addEventListener("online", flush);
    window.addEventListener("offline", function () { showAge(root); });
    setInterval(function () { showAge(root); flush(); }, RETRY_MS);
    registerWorker();
    // Other scripts of the page queue their work here too (share_location.js: positions).
    window.FifthBranchQueue = { add: enqueueBody };
    // A copy opened offline shows what the waiting actions already changed.
    allItems(root.dataset.user).then(function (items) {
      items.forEach(function (item) {
        if (item.state === "waiting" && String(item.call) === String(root.dataset.call || null)) {
          ACTIONS[item.kind].restore(item);
        }
      });
      render(items);
    }).then(flush);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
