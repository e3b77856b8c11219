// The participant's phone: ranking by drag, buttons and keyboard; answers sent with an
// Idempotency-Key and resent after a lost connection; live results and poll changes.
//
// The page never reloads for a live change: the stream's poll_cards message brings every
// live poll's card, drawn once by the server for all phones with no answers (every
// question's form is in it), and the page swaps in the cards that changed, then shows in
// each the question this participant is at, from the answers it knows (those the page
// came with and those sent since). A form the participant is filling in is kept.
import { connect, readJSON, renderAll, strings } from "./live.js";

document.documentElement.classList.add("js");
const root = document.getElementById("live");
const code = root.dataset.event;
const PENDING = `agora-pending-${code}`;
const touched = (node) => { const form = node.closest("form"); if (form) form.dataset.dirty = "1"; };

// ---------------------------------------------------------------- ranking
// The first `count` items are ranked. Without `data-partial`, count is the k asked for;
// with it, the participant adds items (+) and takes them out (✕), from 1 up to k.
function setupRanking(list) {
  if (list.dataset.ready) return;
  list.dataset.ready = "1";
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
    touched(list);
    renumber();
    say(li);
  }
  // A partial ranking: an added item goes last among the ranked, a removed one first after them.
  function rank(li) {
    const all = items();
    if (count >= k || all.indexOf(li) < count) return;
    if (all[count] !== li) list.insertBefore(li, all[count]);
    count += 1;
    touched(list);
    renumber();
    say(li);
  }
  function unrank(li) {
    const all = items();
    if (all.indexOf(li) >= count) return;
    list.insertBefore(li, all[count] ?? null);
    count -= 1;
    touched(list);
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
    touched(list);
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

// A fresh Idempotency-Key for a form: a retry of one submission counts once, a new one is new.
function newKey(form) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const key = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  form.querySelector("input[name=idempotency_key]").value = `${key}-${form.dataset.question}`;
}

const formOf = (question) => root.querySelector(`[data-polls] form[data-question="${question}"]`);

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
    answered(pending.question, pending.answer);
    return true;
  }
  let message = `${response.status}`;
  try { message = (await response.json()).message || message; } catch { /* not JSON */ }
  show(form, "[data-status]", "");
  show(form, "[data-error]", message);
  return false;
}

// An answer is in: on to the poll's next question (or its thanks), in place.
function answered(question, answer) {
  answers.set(String(question), answer);
  if (focus === String(question)) {
    focus = null;
    if (window.location.search) window.history.replaceState(null, "", `/e/${code}${window.location.hash}`);
  }
  const form = formOf(question);
  if (!form) return;
  show(form, "[data-status]", strings.thanks);
  delete form.dataset.dirty;
  newKey(form);
  const card = form.closest("[data-poll]");
  const now = choose(card);
  const target = now ? now.querySelector(".step") : card.querySelector("[data-thanks] .notice");
  if (target && now !== form) { target.tabIndex = -1; target.focus({ preventScroll: true }); }
}

function setupForm(form) {
  if (form.dataset.ready) return;
  form.dataset.ready = "1";
  form.addEventListener("input", () => { form.dataset.dirty = "1"; });
  form.addEventListener("change", () => { form.dataset.dirty = "1"; });
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
  await send(pending, formOf(pending.question));
}

// ---------------------------------------------------------------- the poll cards
// What this participant answered (by question id) and the question they asked to change
// (?q=): the same choice the server makes when it draws the page (polls/_participant_poll.html).
const answers = new Map(Object.entries(readJSON("initial-answers", {})));
let focus = new URLSearchParams(window.location.search).get("q");
// A phone that has just joined got this page at the join's address (?j=1): show its own.
if (new URLSearchParams(window.location.search).has("j")) {
  window.history.replaceState(null, "", `/e/${code}${focus ? `?q=${encodeURIComponent(focus)}` : ""}${window.location.hash}`);
}
const versions = new Map(Object.entries(readJSON("initial-cards", {})));  // poll id → card shown
const tables = readJSON("initial-tables", {});
const list = root.querySelector("[data-polls]");
const welcome = root.querySelector("[data-welcome]");

// Show the question the participant is at in an open poll's card; return its form, if any.
// The voting rules that refuse this participant, with what to do (the page knows them).
const refusals = JSON.parse(root.dataset.refusals || "{}");

function choose(card) {
  if (!card || card.dataset.state !== "open") return null;
  const forms = [...card.querySelectorAll(":scope > form[data-question]")];
  const refusal = refusals[card.dataset.rule];
  if (refusal) { // drawn for every phone: this one may not vote, so say why instead
    forms.forEach((form) => form.remove());
    card.querySelector(":scope > [data-thanks]")?.remove();
    if (!card.querySelector(":scope > [data-refusal]")) {
      const note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.dataset.refusal = "";
      note.textContent = refusal;
      card.querySelector(":scope > h2").after(note);
    }
    return null;
  }
  const done = (form) => answers.has(form.dataset.question);
  const focused = forms.find((form) => form.dataset.question === focus);
  const current = focused && (!done(focused) || "allowChange" in card.dataset)
    ? focused : forms.find((form) => !done(form)) || null;
  forms.forEach((form) => { form.hidden = form !== current; });
  const thanks = card.querySelector(":scope > [data-thanks]");
  if (thanks) thanks.hidden = current !== null;
  return current;
}

// Put a previous answer back in a form drawn without it (the inverse of READERS).
const FILLERS = {
  value: (node, name, answer) => {
    node.querySelectorAll(`input[name="${name}"]`).forEach((input) => { input.checked = input.value === String(answer); });
  },
  values: (node, name, answer) => {
    const chosen = new Set((answer || []).map(String));
    node.querySelectorAll(`input[name="${name}"]`).forEach((input) => { input.checked = chosen.has(input.value); });
  },
  texts: (node, name, answer) => {
    const fields = node.querySelectorAll(`[name="${name}"]`);
    fields.forEach((field, i) => { field.value = (answer || [])[i] ?? ""; });
  },
  order: (node, name, answer) => {
    const ranked = (answer || []).map(String);
    const items = new Map([...node.querySelectorAll("[data-option]")].map((li) => [li.dataset.option, li]));
    ranked.forEach((option) => { if (items.has(option)) node.append(items.get(option)); });
    for (const [option, li] of items) if (!ranked.includes(option)) node.append(li);
    node.dataset.count = String(ranked.length);
  },
  numbers: (node, name, answer) => {
    for (const [option, value] of Object.entries(answer || {})) {
      const input = node.querySelector(`input[name="${name}-${CSS.escape(option)}"]`);
      if (input) input.value = String(value);
    }
  },
};
FILLERS.number = FILLERS.value;

function fill(form, answer) {
  if (!answer) return;
  form.querySelectorAll("[data-answer]").forEach((node) => {
    const put = FILLERS[node.dataset.read];
    if (put) put(node, node.dataset.answer, answer[node.dataset.answer]);
  });
}

function ready(card) {
  card.querySelectorAll(".ranking").forEach(setupRanking);
  card.querySelectorAll(".answer-form").forEach(setupForm);
}

// A card as the stream drew it, made this participant's: their place, their previous
// answer in a form they may change, the form they were filling in, fresh keys, charts.
function build(html, old) {
  // parsed as a document of its own, as the moderator page does: drawn by the server's
  // escaping template, never assembled from text here
  const card = new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
  card.querySelectorAll("form[data-question]").forEach((form) => {
    const kept = old?.querySelector(`form[data-question="${form.dataset.question}"]`);
    if (kept && kept.dataset.dirty) { form.replaceWith(kept); return; }
    newKey(form);
    fill(form, answers.get(form.dataset.question));
  });
  choose(card);
  ready(card);
  return card;
}

function drawCharts(card) {
  const shown = {};
  card.querySelectorAll("[data-chart][data-question]").forEach((node) => {
    const id = node.dataset.question;
    if (tables[id]) shown[id] = tables[id];
  });
  renderAll(shown);
}

let reloading = false;
// The last resort, when the server sends what this page cannot draw (another version of
// Agora after an update): reload, at a random moment within a few seconds so that a room
// of phones does not come all at once.
function reloadSoon() {
  if (reloading) return;
  reloading = true;
  window.setTimeout(() => window.location.reload(), 1000 + Math.random() * 9000);
}

// Swap in the cards that changed, add the new ones, drop those no longer live.
function applyCards(data) {
  const wanted = [];
  for (const poll of data.polls) {
    const id = String(poll.id);
    wanted.push(id);
    const old = list.querySelector(`:scope > [data-poll="${id}"]`);
    if (old && versions.get(id) === poll.version) continue;
    if (typeof poll.html !== "string") continue;  // not sent this time: kept until it comes
    const card = build(poll.html, old);
    versions.set(id, poll.version);
    if (old) old.replaceWith(card); else list.append(card);
    drawCharts(card);
  }
  for (const card of [...list.querySelectorAll(":scope > [data-poll]")]) {
    if (!wanted.includes(card.dataset.poll)) { card.remove(); versions.delete(card.dataset.poll); }
  }
  wanted.forEach((id, index) => {
    const card = list.querySelector(`:scope > [data-poll="${id}"]`);
    if (card && list.children[index] !== card) list.insertBefore(card, list.children[index] || null);
  });
  welcome.hidden = list.querySelector(":scope > [data-poll]") !== null;
}

// A message brings the HTML of the cards that changed only, in the event's language. A
// phone missing a card (it was not connected then), or whose participant chose another
// language, asks for the whole set: drawn once per version and language for every phone.
const language = document.documentElement.lang || "en";
let asked = null;
async function cardsArrived(data) {
  if (!data || !Array.isArray(data.polls)) { reloadSoon(); return; }
  const complete = data.polls.every((poll) => typeof poll.html === "string"
    || versions.get(String(poll.id)) === poll.version);
  if (complete && data.lang === language) { asked = null; applyCards(data); return; }
  if (asked === data.version) return;
  asked = data.version;
  try {
    const url = `/e/${code}/poll-cards?${new URLSearchParams({ lang: language, v: data.version })}`;
    const response = await fetch(url, { credentials: "same-origin" });
    if (asked !== data.version) return;  // a newer version came meanwhile
    if (response.ok) { applyCards(await response.json()); return; }
  } catch { /* offline: the stream's next snapshot brings every card */ }
  if (asked !== data.version) return;
  asked = null;
  applyCards(data);  // what it has, in the event's language
}

ready(list);
window.addEventListener("online", resendPending);
setInterval(() => { if (navigator.onLine) resendPending(); }, 5000);
resendPending();

// ---------------------------------------------------------------- live
renderAll(tables);

function tablesArrived(more) {
  Object.assign(tables, more || {});
  renderAll(more);
}

connect(root.dataset.stream, {
  snapshot: ({ sections }) => { tablesArrived(sections.poll_tables); cardsArrived(sections.poll_cards); },
  poll_cards: (data) => cardsArrived(data),
  results: (data) => tablesArrived({ [data.question_id]: data.table }),
});
