// Registrations: live attendance figures for moderators, and instant search at the door.
// Text goes in with textContent only; names never become HTML.
import { on, start } from "./live.js";

const percent = (share) => `${Math.round(share * 100)} %`;

function showAttendance(figures) {
  if (!figures) return;
  for (const list of document.querySelectorAll("[data-attendance]")) {
    const unlimited = list.dataset.unlimited || "–";
    for (const cell of list.querySelectorAll("[data-figure]")) {
      const key = cell.dataset.figure;
      if (!(key in figures)) continue;
      const value = figures[key];
      let text;
      if (key === "occupancy") text = value === null ? "–" : percent(value);
      else if (value === null) text = unlimited;
      else text = String(value);
      if (cell.textContent !== text) cell.textContent = text;
    }
  }
}

on("attendance", showAttendance);
on("snapshot", (data) => showAttendance(data.sections && data.sections.attendance));

// The same folding as the server's: no case, no accents, "ł" → "l" and friends.
const LETTERS = { "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th" };
const fold = (text) => text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
  .replace(/[łøđħıæœþ]/g, (c) => LETTERS[c]).replace(/ß/g, "ss");

// The registrations and door pages: follow the event's stream for the figures, and filter
// the table while typing when it lists everyone (otherwise the search form asks the server).
const page = document.getElementById("registrations-page");
if (page) {
  start(page.dataset.stream);
  const input = document.getElementById("reg-search");
  const table = page.querySelector("table.registrations");
  const count = page.querySelector("[data-search-count]");
  if (input && table && table.dataset.complete === "true") {
    const rows = [...table.tBodies[0].rows];
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const words = fold(input.value).split(/\s+/).filter(Boolean);
        let shown = 0;
        for (const row of rows) {
          const match = words.every((word) => row.dataset.search.includes(word));
          row.hidden = !match;
          if (match) shown += 1;
        }
        if (count) count.textContent = words.length ? `${shown} / ${rows.length}` : "";
      }, 120);
    });
  }
}
