// Live updates for the staff console: server-sent events, rendered as text only.
"use strict";

(function () {
  const body = document.body;
  const csrf = body.dataset.csrf;
  const announcer = document.getElementById("announcer");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function announce(message) {
    if (announcer) announcer.textContent = message;
  }

  // A short tone; browsers allow it once the page has had a click or key press.
  function chime() {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (error) {
      /* no sound available: the visual cue remains */
    }
  }

  function cue(message) {
    chime();
    announce(message);
    document.title = "● " + document.title.replace(/^● /, "");
  }
  window.addEventListener("focus", function () {
    document.title = document.title.replace(/^● /, "");
  });

  function renderQueue(data, seen) {
    const rows = document.getElementById("tickets");
    rows.replaceChildren();
    let fresh = 0;
    data.tickets.forEach(function (ticket) {
      const row = el("tr", ticket.urgent ? "urgent" : "");
      row.dataset.reference = ticket.reference;
      if (seen.size && !seen.has(ticket.reference)) {
        row.classList.add("new");
        fresh += 1;
      }
      const link = el("a", "", ticket.reference);
      link.href = "/tickets/" + encodeURIComponent(ticket.reference);
      const first = el("td");
      first.appendChild(link);
      row.append(first, el("td", "", ticket.kind === "live" ? "live chat" : "call-back"),
        el("td", "", ticket.reason), el("td", "", ticket.status_text),
        el("td", "", ticket.created_at_text));
      rows.appendChild(row);
    });
    if (!data.tickets.length) {
      const row = el("tr", "empty");
      const cell = el("td", "", "No open tickets.");
      cell.colSpan = 5;
      row.appendChild(cell);
      rows.appendChild(row);
    }
    const flags = document.getElementById("crisis-flags");
    flags.replaceChildren();
    data.crisis_flags.forEach(function (flag) {
      const item = el("li", "flag");
      if (seen.size && !seen.has("flag-" + flag.id)) {
        item.classList.add("new");
        fresh += 1;
      }
      const link = el("a", "", flag.created_at_text + ": “" + flag.message + "”");
      link.href = "/conversations/" + encodeURIComponent(flag.conversation_id);
      item.appendChild(link);
      flags.appendChild(item);
    });
    if (!data.crisis_flags.length) flags.appendChild(el("li", "empty", "None."));
    const all = data.tickets.map(function (t) { return t.reference; })
      .concat(data.crisis_flags.map(function (f) { return "flag-" + f.id; }));
    const first = seen.size === 0;
    all.forEach(function (key) { seen.add(key); });
    if (!first && fresh) cue(fresh + " new item(s) in the queue");
    if (first && !all.length) seen.add("(started)");
  }

  function renderTicket(data, state) {
    if (data.error) return;
    document.getElementById("ticket-status").textContent = data.ticket.status_text;
    const list = document.getElementById("transcript");
    list.replaceChildren();
    let crisisLines = 0;
    data.transcript.forEach(function (line) {
      const item = el("li", "line " + line.speaker + (line.crisis ? " crisis" : ""));
      item.append(el("span", "speaker", line.staff_name || line.speaker), " ",
        el("span", "text", line.text));
      list.appendChild(item);
      if (line.crisis) crisisLines += 1;
    });
    const alert = document.getElementById("crisis-alert");
    alert.hidden = crisisLines === 0;
    if (state.lines !== undefined && data.transcript.length > state.lines) {
      const last = data.transcript[data.transcript.length - 1];
      if (crisisLines > state.crisis) cue("Crisis message from the visitor");
      else if (last.speaker === "visitor") cue("New message from the visitor");
    }
    state.lines = data.transcript.length;
    state.crisis = crisisLines;
    const entries = document.getElementById("entries");
    entries.replaceChildren();
    data.entries.forEach(function (entry) {
      const item = el("li");
      item.append(el("strong", "", entry.author), " (" + entry.kind + ", " + entry.at_text + "): " + entry.text);
      entries.appendChild(item);
    });
    if (state.status !== undefined && state.status !== data.ticket.status) {
      window.location.reload(); // joined, handed back or ended: other buttons apply
    }
    state.status = data.ticket.status;
  }

  function listen() {
    const url = body.dataset.live;
    if (!url || !window.EventSource) return;
    const view = body.dataset.view;
    const seen = new Set();
    const state = {};
    const source = new EventSource(url);
    // Signed out, disabled or a new password: the stream ends; so does the page.
    source.addEventListener("signed_out", function () {
      source.close();
      window.location.assign("/login");
    });
    source.onmessage = function (event) {
      const data = JSON.parse(event.data);
      if (view === "queue") renderQueue(data, seen);
      if (view === "ticket") renderTicket(data, state);
    };
  }

  function sendRepliesInPlace() {
    const form = document.getElementById("reply-form");
    if (!form) return;
    const text = document.getElementById("reply-text");
    const error = document.getElementById("reply-error");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      fetch(form.action, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
        body: new URLSearchParams({ text: text.value }),
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().then(function (result) {
          if (result.ok) {
            text.value = "";
          } else {
            error.textContent = result.error; // the text stays in the box
            error.hidden = false;
          }
        });
      }).catch(function () {
        error.textContent = "Not sent: the console could not be reached. Try again.";
        error.hidden = false;
      });
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
  }

  // The training page, while a candidate is being trained: show its progress,
  // and reload when it has finished so the verdict appears.
  function followTraining() {
    if (!document.body.dataset.trainingActive) return;
    const progress = document.querySelector("#training-progress [data-progress]");
    const timer = setInterval(function () {
      fetch("/training/status", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (!state.run) return;
          if (progress) progress.textContent = state.run.progress;
          if (!state.run.active) {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* the next poll tries again */ });
    }, 2000);
  }

  listen();
  sendRepliesInPlace();
  followTraining();
})();
