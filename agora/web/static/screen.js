// The projector: follows the poll on screen and redraws its results as they arrive.
import { connect, readJSON, renderResult } from "./live.js";

const root = document.getElementById("live");
const stage = root.querySelector("[data-stage]");
let polls = readJSON("initial-polls", []);
const tables = readJSON("initial-tables", {});

function current() {
  const chosen = document.body.dataset.agendaPoll;  // the agenda item's poll comes first
  if (chosen) {
    const poll = polls.find((p) => String(p.id) === chosen);
    if (poll) return poll;
  }
  const open = polls.filter((p) => p.state === "open");
  if (open.length) return open[0];
  const closed = polls.filter((p) => p.state === "closed");
  return closed.length ? closed[closed.length - 1] : null;
}

function draw() {
  const poll = current();
  const step = stage.querySelector("[data-step]");
  const prompt = stage.querySelector("[data-prompt]");
  let chart = stage.querySelector("[data-chart]");
  if (!poll) {
    prompt.textContent = document.title.split(" · ")[0];
    step.textContent = readJSON("strings", {}).waiting || "";
    chart.replaceChildren();
    chart.dataset.question = "";
    return;
  }
  const question = poll.questions[poll.screen_position] || poll.questions[0];
  step.textContent = `${poll.title ? `${poll.title} · ` : ""}${question.position + 1}/${poll.questions.length}`;
  prompt.textContent = question.prompt;
  if (chart.dataset.question !== String(question.id)) {
    const fresh = document.createElement("div");
    fresh.dataset.chart = "";
    fresh.dataset.question = String(question.id);
    chart.replaceWith(fresh);
    chart = fresh;
  }
  if (tables[question.id]) renderResult(chart, tables[question.id]);
}

connect(root.dataset.stream, {
  snapshot: ({ sections }) => { polls = sections.polls.polls; Object.assign(tables, sections.poll_tables); draw(); },
  polls: (data) => { polls = data.polls; draw(); },
  results: (data) => { tables[data.question_id] = data.table; draw(); },
});
document.addEventListener("agora:agenda", draw);
draw();
