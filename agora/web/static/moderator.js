// The moderator page: live preview of every result, and keyboard shortcuts.
import { connect, readJSON, renderAll } from "./live.js";

const root = document.getElementById("live");
renderAll(readJSON("initial-tables", {}));

let shownStates = null;
connect(root.dataset.stream, {
  snapshot: ({ sections }) => {
    renderAll(sections.poll_tables);
    shownStates = JSON.stringify(sections.polls.polls.map((p) => [p.id, p.state, p.results_visible, p.screen_position]));
  },
  results: (data) => renderAll({ [data.question_id]: data.table }),
  polls: (data) => {
    // another moderator changed a poll: redraw the page so its buttons match
    const states = JSON.stringify(data.polls.map((p) => [p.id, p.state, p.results_visible, p.screen_position]));
    if (shownStates !== null && shownStates !== states) window.location.reload();
    shownStates = states;
  },
});

// O: open or close, R: reveal or hide, N: next question on screen — for the poll in focus.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select")) return;
  // ] and [ move "now" through the agenda
  if (event.key === "]" || event.key === "[") {
    const button = document.querySelector(
      `button[data-action="agenda-${event.key === "]" ? "next" : "previous"}"]`,
    );
    if (button) { event.preventDefault(); button.click(); }
    return;
  }
  const poll = document.activeElement?.closest(".mod-poll") || document.querySelector(".mod-poll[data-state=open]");
  if (!poll) return;
  const click = (names) => {
    for (const name of names) {
      const button = poll.querySelector(`button[data-action="${name}"]`);
      if (button) { button.click(); return true; }
    }
    return false;
  };
  const key = event.key.toLowerCase();
  if (key === "o" && click(["open", "close"])) event.preventDefault();
  else if (key === "r" && click(["reveal", "hide"])) event.preventDefault();
  else if (key === "n") {
    const next = poll.querySelector("button[data-action^=screen-]");
    if (next) { event.preventDefault(); next.click(); }
  }
});
