// Live updates for the dashboard: Server-Sent Events from /v1/events/stream (session cookie).
"use strict";

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
      if (fresh) { section.replaceWith(fresh); }
    })
    .catch(() => {});
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
}

function startFeed() {
  const table = document.getElementById("feed");
  const status = document.getElementById("feed-status");
  const source = new EventSource("/v1/events/stream");
  source.onopen = () => { if (status) { status.textContent = "live"; } };
  source.onerror = () => { if (status) { status.textContent = "reconnecting…"; } };
  source.addEventListener("decision", (msg) => {
    const d = JSON.parse(msg.data);
    const row = document.createElement("tr");
    row.className = "verdict-" + d.verdict;
    cell(row, new Date(d.ts * 1000).toLocaleTimeString());
    cell(row, d.agent);
    cell(row, d.kind + (d.tool ? " " + d.tool : ""));
    cell(row, d.verdict);
    cell(row, (d.rules || []).join(", "));
    table.insertBefore(row, table.rows[1] || null);
    while (table.rows.length > 200) { table.deleteRow(table.rows.length - 1); }
  });
}

function startApprovals() {
  const source = new EventSource("/v1/events/stream?verdict=review");
  source.addEventListener("decision", refreshPending);
  setInterval(refreshPending, 5000);
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "feed.html") { startFeed(); }
  if (page === "approvals.html") { startApprovals(); }
});
