// The participant's phone: ranking by drag, buttons and keyboard; answers sent with an
// Idempotency-Key and resent after a lost connection; live results and poll changes.
import { connect, readJSON, renderAll, strings } from "./live.js";

document.documentElement.classList.add("js");
const root = document.getElementById("live");
const code = root.dataset.event;
const PENDING = `agora-pending-${code}`;
let dirty = false;

// ---------------------------------------------------------------- ranking
// The first `count` items are ranked. Without `data-partial`, count is the k asked for;
// with it, the participant adds items (+) and takes them out (✕), from 1 up to k.
function setupRanking(list) {
  const k = Number(list.dataset.k);
  const partial = "partial" in list.dataset;
  let count = partial ? Number(list.dataset.count) : k;
  const announce = list.parentElement.querySelector("[data-announce]");
  const items = () => [...list.querySelectorAll(".rank-item")];
  const label = (li) => li.querySelector(".rank-label").textContent;
  const place = (li, i, all) => (i < count
    ? `${label(li)}: ${strings.position} ${i + 1} ${strings.of} ${all.length}`
    : `${label(li)}: ${strings.unranked}`);

  function renumber() {
    list.dataset.count = String(count);
    items().forEach((li, i) => {
      const ranked = i < count;
      li.querySelector(".rank-pos").textContent = ranked ? String(i + 1) : "–";
      li.classList.toggle("unranked", !ranked);
      li.querySelector("input").value = ranked ? String(i + 1) : "";
      li.setAttribute("aria-label", ranked
        ? `${label(li)}, ${strings.position} ${i + 1} ${strings.of} ${items().length}`
        : label(li));
      if (!partial) return;
      li.querySelector("[data-rank]").hidden = ranked || count >= k;
      li.querySelector("[data-unrank]").hidden = !ranked;
      li.querySelectorAll("[data-move]").forEach((button) => { button.hidden = !ranked; });
    });
  }
  function say(li) {
    const all = items();
    if (announce) announce.textContent = place(li, all.indexOf(li), all);
  }
  function move(li, delta) {
    const all = items();
    const to = all.indexOf(li) + delta;
    if (to < 0 || to >= all.length) return;
    if (delta < 0) list.insertBefore(li, all[to]); else list.insertBefore(li, all[to].nextSibling);
    dirty = true;
    renumber();
    say(li);
  }
  // A partial ranking: an added item goes last among the ranked, a removed one first after them.
  function rank(li) {
    const all = items();
    if (count >= k || all.indexOf(li) < count) return;
    if (all[count] !== li) list.insertBefore(li, all[count]);
    count += 1;
    dirty = true;
    renumber();
    say(li);
  }
  function unrank(li) {
    const all = items();
    if (all.indexOf(li) >= count) return;
    list.insertBefore(li, all[count] ?? null);
    count -= 1;
    dirty = true;
    renumber();
    say(li);
  }
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const li = button.closest(".rank-item");
    if ("move" in button.dataset) {
      move(li, Number(button.dataset.move));
      button.focus();
    } else if ("rank" in button.dataset || "unrank" in button.dataset) {
      if ("rank" in button.dataset) rank(li); else unrank(li);
      li.focus();  // the button just pressed is now hidden
    }
  });
  list.addEventListener("keydown", (event) => {
    const li = event.target.closest(".rank-item");
    if (!li || event.target !== li) return;
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      move(li, event.key === "ArrowUp" ? -1 : 1);
      li.focus();
    }
  });
  // Dragging with a pointer works for mouse, pen and touch alike.
  let dragged = null;
  list.addEventListener("pointerdown", (event) => {
    const li = event.target.closest(".rank-item");
    if (!li || event.target.closest("button, input")) return;
    dragged = li;
    li.classList.add("dragging");
    li.setPointerCapture(event.pointerId);
  });
  list.addEventListener("pointermove", (event) => {
    if (!dragged) return;
    const over = items().find((li) => {
      if (li === dragged) return false;
      const box = li.getBoundingClientRect();
      return event.clientY > box.top && event.clientY < box.bottom;
    });
    if (!over) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
    dirty = true;
    renumber();
  });
  const drop = () => { if (dragged) { dragged.classList.remove("dragging"); dragged = null; } };
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);
  list.addEventListener("dragstart", (event) => event.preventDefault());
  renumber();
}

// ---------------------------------------------------------------- answers
// The kind's input template marks the element holding its inputs with data-answer (the
// answer's field) and data-read (how to read it); reading never depends on the kind.
const READERS = {
  value: (node, name, data) => data.get(name),
  number: (node, name, data) => Number(data.get(name)),
  values: (node, name, data) => data.getAll(name),
  texts: (node, name, data) => data.getAll(name).filter((t) => t.trim()),
  // the first data-count items (setupRanking keeps it; a partial ranking may have fewer than k)
  order: (node) => [...node.querySelectorAll("[data-option]")]
    .slice(0, Number(node.dataset.count ?? node.dataset.k)).map((li) => li.dataset.option),
  numbers: (node, name, data) => {
    const numbers = {};
    for (const [field, value] of data.entries()) {
      if (field.startsWith(`${name}-`) && value !== "") numbers[field.slice(name.length + 1)] = Number(value);
    }
    return numbers;
  },
};

function answerOf(form) {
  const data = new FormData(form);
  const answer = {};
  form.querySelectorAll("[data-answer]").forEach((node) => {
    const read = READERS[node.dataset.read];
    if (read) answer[node.dataset.answer] = read(node, node.dataset.answer, data);
  });
  return answer;
}

function show(form, selector, text) {
  const node = form?.querySelector(selector);
  if (!node) return;
  node.hidden = !text;
  node.textContent = text || "";
}

async function send(pending, form) {
  let response;
  try {
    response = await fetch(`/api/v1/questions/${pending.question}/responses`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "idempotency-key": pending.key },
      body: JSON.stringify({ answer: pending.answer }),
    });
  } catch {
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    show(form, "[data-status]", strings.offline);
    return false;
  }
  sessionStorage.removeItem(PENDING);
  if (response.ok) {
    show(form, "[data-status]", strings.thanks);
    if (window.location.search) window.location.replace(`/e/${code}`);
    else window.location.reload();
    return true;
  }
  let message = `${response.status}`;
  try { message = (await response.json()).message || message; } catch { /* not JSON */ }
  show(form, "[data-status]", "");
  show(form, "[data-error]", message);
  return false;
}

function setupForm(form) {
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  const output = form.querySelector("[data-total] output");
  if (output) {  // a running total of the numbers typed (points)
    const update = () => {
      let sum = 0;
      form.querySelectorAll("[data-answer] input[type=number]").forEach((input) => { sum += Number(input.value) || 0; });
      output.textContent = String(sum);
    };
    form.addEventListener("input", update);
    update();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(form, "[data-error]", "");
    show(form, "[data-status]", strings.sending);
    const pending = {
      question: form.dataset.question,
      key: form.querySelector("input[name=idempotency_key]").value,
      answer: answerOf(form),
    };
    await send(pending, form);
  });
}

// A submission the connection lost: resend it with the same key once we are back.
async function resendPending() {
  const raw = sessionStorage.getItem(PENDING);
  if (!raw) return;
  const pending = JSON.parse(raw);
  const form = document.querySelector(`form[data-question="${pending.question}"]`);
  await send(pending, form);
}

document.querySelectorAll(".ranking").forEach(setupRanking);
document.querySelectorAll(".answer-form").forEach(setupForm);
window.addEventListener("online", resendPending);
setInterval(() => { if (navigator.onLine) resendPending(); }, 5000);
resendPending();

// ---------------------------------------------------------------- live
renderAll(readJSON("initial-tables", {}));
const shown = JSON.stringify(readJSON("initial-state", []));
const signatureOf = (polls) => JSON.stringify(polls
  .filter((p) => p.state === "open" || p.state === "closed")
  .map((p) => [p.id, p.state, p.results_visible]));

// The page is drawn by the server; when the polls change, draw it again, unless the
// participant is in the middle of an answer: then offer the refresh instead.
function pollsChanged(polls) {
  if (signatureOf(polls) === shown) return;
  if (!dirty) { window.location.reload(); return; }
  const status = document.querySelector("[data-connection]");
  status.hidden = false;
  status.replaceChildren(document.createTextNode(`${strings.changed} `));
  const button = document.createElement("button");
  button.type = "button"; button.className = "button"; button.textContent = strings.refresh;
  button.addEventListener("click", () => window.location.reload());
  status.append(button);
}

connect(root.dataset.stream, {
  snapshot: ({ sections }) => { renderAll(sections.poll_tables); pollsChanged(sections.polls.polls); },
  polls: (data) => pollsChanged(data.polls),
  results: (data) => renderAll({ [data.question_id]: data.table }),
});
