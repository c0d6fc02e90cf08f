// The dashboard's script: local times, live updates by Server-Sent Events from
// /v1/events/stream (session cookie), rows that open their decision.
"use strict";

function localTimes(root) {
  (root || document).querySelectorAll("time[datetime]").forEach((el) => {
    const d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) { el.textContent = d.toLocaleString(); el.title = el.getAttribute("datetime"); }
  });
  (root || document).querySelectorAll("svg text[data-time]").forEach((el) => {
    const d = new Date(el.getAttribute("data-time"));
    if (!isNaN(d)) { el.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
  });
}

function refreshPending() {
  const section = document.getElementById("pending");
  const active = document.activeElement;
  if (!section || (active && active.classList && active.classList.contains("reason") && active.value)) {
    return;
  }
  fetch("/ui/approvals", { credentials: "same-origin" })
    .then((r) => r.text())
    .then((html) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.getElementById("pending");
      if (fresh) { localTimes(fresh); section.replaceWith(fresh); }
    })
    .catch(() => {});
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function feedRow(d) {
  const row = document.createElement("tr");
  row.className = "verdict-" + d.verdict;
  row.dataset.href = "/ui/decisions/" + encodeURIComponent(d.id) + "?ts=" + Math.floor(d.ts);
  const when = cell(row, "");
  const link = document.createElement("a");
  link.href = row.dataset.href;
  link.textContent = new Date(d.ts * 1000).toLocaleString();
  when.appendChild(link);
  cell(row, d.agent);
  cell(row, (d.kind || "") + (d.tool ? " " + d.tool : ""));
  cell(row, d.verdict);
  const findings = d.findings || (d.rules || []).map((r) => ({ rule: r, message: "" }));
  const td = cell(row, "");
  findings.forEach((f, i) => {
    const code = document.createElement("code");
    code.textContent = f.rule;
    td.appendChild(code);
    td.appendChild(document.createTextNode((f.message ? ": " + f.message : "") + (i < findings.length - 1 ? "; " : "")));
  });
  return row;
}

function startFeed() {
  const body = document.querySelector("#feed tbody");
  const status = document.getElementById("feed-status");
  const source = new EventSource("/v1/events/stream");
  source.onopen = () => { if (status) { status.textContent = "live"; } };
  source.onerror = () => { if (status) { status.textContent = "reconnecting…"; } };
  source.addEventListener("decision", (msg) => {
    body.insertBefore(feedRow(JSON.parse(msg.data)), body.firstChild);
    while (body.rows.length > 200) { body.deleteRow(body.rows.length - 1); }
  });
}

function startApprovals() {
  const source = new EventSource("/v1/events/stream?verdict=review");
  source.addEventListener("decision", refreshPending);
  setInterval(refreshPending, 5000);
}

function clickableRows() {
  document.addEventListener("click", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a, button, input, select, textarea")) {
      window.location.href = row.dataset.href;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  localTimes(document);
  clickableRows();
  if (page === "feed.html") { startFeed(); }
  if (page === "approvals.html") { startApprovals(); }
});
