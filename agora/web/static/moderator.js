// The moderator page: the poll cards redrawn in place, live results, and keyboard shortcuts
// that act on the poll marked "current poll" and say what they did.
//
// A card's buttons are plain forms (they post and come back without JavaScript). Here they
// are posted with fetch asking for JSON; then the changed cards are fetched again from the
// server, drawn by the same template as the page, and swapped in: the page never reloads
// and focus stays in the card acted on. Actions run one after another, in order.
import { connect, isTyping, readJSON, renderAll, renderResult, strings } from "./live.js";

const root = document.getElementById("live");
const list = root.querySelector("[data-poll-list]");
const toast = root.querySelector("[data-toast]");
const status = toast.querySelector("[data-announce]");
const undoButton = toast.querySelector("[data-undo]");
const code = root.dataset.event;
const tables = readJSON("initial-tables", {});
const SHOWN_MS = 8000;  // how long a message (and the undo of a close) stays
const OFFLINE = Symbol("offline");
const OTHER = { open: "close", close: "open", reveal: "hide", hide: "reveal", archive: "restore", restore: "archive", up: "down", down: "up" };

const fill = (text, values) =>
  String(text || "").replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
const cards = () => [...list.querySelectorAll(".mod-poll")];
const cardOf = (id) => list.querySelector(`.mod-poll[data-poll="${String(id)}"]`);

// A card's data attributes are the state it was drawn with. What the server answered since
// (the card not redrawn yet) is kept here, so that the next queued action starts from it:
// N pressed twice quickly moves two questions on.
const answered = new Map();
function stateOf(card) {
  const drawn = {
    state: card.dataset.state,
    resultsVisible: card.dataset.resultsVisible === "true",
    screenPosition: Number(card.dataset.screenPosition) || 0,
  };
  return { ...drawn, ...answered.get(card.dataset.poll) };
}

// ------------------------------------------------------------------ results

function drawCharts(scope) {
  scope.querySelectorAll("[data-chart][data-question]").forEach((node) => {
    const table = tables[node.dataset.question];
    if (table) renderResult(node, table);
  });
}

// ------------------------------------------------------------------ the current poll

// The agenda's "now" item names a poll first; else the poll last used here (acted on or
// focused); else the one the screen shows: the first open poll, else the last closed one.
let agendaPoll = root.dataset.agendaPoll || "";
const memory = `agora-moderator-poll-${code}`;
let lastUsed = "";
try { lastUsed = sessionStorage.getItem(memory) || ""; } catch { /* storage is off */ }

function remember(id) {
  lastUsed = String(id);
  try { sessionStorage.setItem(memory, lastUsed); } catch { /* storage is off */ }
}

function currentCard() {
  const live = cards().filter((card) => stateOf(card).state !== "archived");
  const byId = (id) => (id ? live.find((card) => card.dataset.poll === String(id)) : undefined);
  return byId(agendaPoll) || byId(lastUsed)
    || live.find((card) => stateOf(card).state === "open")
    || live.filter((card) => stateOf(card).state === "closed").at(-1)
    || null;
}

function markCurrent() {
  const current = currentCard();
  for (const card of cards()) {
    const is = card === current;
    card.classList.toggle("is-current", is);
    if (is) card.setAttribute("aria-current", "true");
    else card.removeAttribute("aria-current");
    const badge = card.querySelector("[data-current-badge]");
    if (badge) badge.hidden = !is;
  }
}

// ------------------------------------------------------------------ saying what happened

let timer = null;
let deadline = 0;
let undoFor = null;  // the poll a close can be undone for
const held = { hover: false, focus: false };

function dismiss() {
  if (held.hover || held.focus) return;
  toast.classList.remove("is-shown", "is-error");
  status.textContent = "";
  undoButton.hidden = true;
  undoFor = null;
}

function schedule(ms) {
  clearTimeout(timer);
  deadline = Date.now() + ms;
  timer = setTimeout(dismiss, ms);
}

// Shown for a few seconds, and read out by screen readers (role=status).
function announce(text, { undo = null, error = false } = {}) {
  // the same words twice in a row are announced again only if the text changes
  status.textContent = text === status.textContent ? `${text}\u00a0` : text;
  toast.classList.add("is-shown");
  toast.classList.toggle("is-error", error);
  undoFor = undo;
  undoButton.hidden = !undo;
  schedule(SHOWN_MS);
}

// The message stays while the pointer or the focus is on it (time to reach "Undo").
const hold = (what, on) => {
  held[what] = on;
  if (on) clearTimeout(timer);
  else if (toast.classList.contains("is-shown")) schedule(Math.max(2000, deadline - Date.now()));
};
// the other sections' shortcuts (the floor's S and E) say what they did here too
document.addEventListener("agora:announce", (event) => {
  if (event.detail && event.detail.text) announce(event.detail.text, { error: Boolean(event.detail.error) });
});
toast.addEventListener("mouseenter", () => hold("hover", true));
toast.addEventListener("mouseleave", () => hold("hover", false));
toast.addEventListener("focusin", () => hold("focus", true));
toast.addEventListener("focusout", () => hold("focus", false));

// ------------------------------------------------------------------ redrawing cards

const redraw = { list: false, cards: new Set() };

function controlKey(node) {
  if (!node || node === document.body) return null;
  if (node.dataset && node.dataset.action) return { action: node.dataset.action };
  return node.id ? { id: node.id } : null;
}

// Focus the same control in a redrawn card, its counterpart (Close after Open), or the card.
function focusIn(card, key) {
  let target = null;
  if (key && key.action) {
    target = card.querySelector(`[data-action="${key.action}"]`)
      || (OTHER[key.action] && card.querySelector(`[data-action="${OTHER[key.action]}"]`));
  } else if (key && key.id) {
    target = card.querySelector(`#${CSS.escape(key.id)}`);
  }
  (target || card).focus({ preventScroll: true });
}

function parse(html) {
  return new DOMParser().parseFromString(html, "text/html");
}

// Swap in the fetched cards whose version changed; keep the others (and their charts).
function reconcile(fresh, whole) {
  const active = document.activeElement;
  const activeCard = active && active.closest ? active.closest(".mod-poll") : null;
  const key = activeCard ? controlKey(active) : null;
  for (const card of fresh) {
    answered.delete(card.dataset.poll);  // drawn as the server has it now
    const old = cardOf(card.dataset.poll);
    if (old && old.dataset.version === card.dataset.version) continue;
    const node = document.importNode(card, true);
    drawCharts(node);
    if (old) old.replaceWith(node);
    else list.append(node);
  }
  if (whole) {
    const wanted = fresh.map((card) => card.dataset.poll);
    for (const card of cards()) if (!wanted.includes(card.dataset.poll)) card.remove();
    wanted.forEach((id, index) => {
      const node = cardOf(id);
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
  }
  if (activeCard && document.activeElement !== active) {
    if (active.isConnected) active.focus({ preventScroll: true });
    else {
      const card = cardOf(activeCard.dataset.poll);
      if (card) focusIn(card, key);
    }
  }
}

async function fetchCards(url, whole) {
  const response = await fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } });
  if (!response.ok) {
    if (!whole) redraw.list = true;  // the poll is gone: draw the list
    return;
  }
  reconcile([...parse(await response.text()).querySelectorAll(".mod-poll")], whole);
}

async function refresh() {
  const whole = redraw.list;
  const ids = [...redraw.cards];
  redraw.list = false;
  redraw.cards = new Set();
  try {
    if (whole) await fetchCards(list.dataset.cards, true);
    else for (const id of ids) await fetchCards(`${list.dataset.cards}/${id}`, false);
    if (redraw.list) { redraw.list = false; await fetchCards(list.dataset.cards, true); }
  } catch {
    // offline: the stream's next message or the next action draws the cards again
  }
  markCurrent();
}

// One action at a time, in the order asked; the cards are redrawn once the queue is empty.
let chain = Promise.resolve();
let queued = 0;
function enqueue(task) {
  queued += 1;
  chain = chain.then(async () => {
    try { await task(); } catch (error) { announce(String(error), { error: true }); }
    queued -= 1;
    if (queued === 0 && (redraw.list || redraw.cards.size)) await refresh();
  });
  return chain;
}

// ------------------------------------------------------------------ actions

// Post one poll action; keep the poll's new state until its card is drawn again.
// Returns the answer, null or OFFLINE.
async function act(pollId, action, fields = {}, { undoable = false } = {}) {
  const id = String(pollId);
  let response;
  try {
    response = await fetch(`/e/${code}/moderate/polls/${id}/${action}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { accept: "application/json" },
      body: new URLSearchParams(fields),
    });
  } catch {
    return OFFLINE;
  }
  let data = null;
  try { data = await response.json(); } catch { /* not JSON */ }
  if (!response.ok || !data) {
    announce(fill(strings.failed, { message: (data && data.message) || response.status }), { error: true });
    redraw.list = true;
    return null;
  }
  remember(id);
  if (String(data.poll.id) === id) {
    answered.set(id, {
      state: data.poll.state,
      resultsVisible: data.poll.results_visible,
      screenPosition: data.poll.screen_position,
    });
  }
  if (data.redraw === "list") redraw.list = true;
  else redraw.cards.add(id);
  announce(data.message, { undo: undoable && action === "close" ? { id } : null });
  markCurrent();
  return data;
}

// The card's buttons: posted here, the plain form only when the server cannot be reached.
list.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-poll-action]");
  const card = form && form.closest(".mod-poll");
  if (!card) return;
  event.preventDefault();
  const fields = Object.fromEntries(new FormData(form));
  enqueue(async () => {
    if (await act(card.dataset.poll, form.dataset.pollAction, fields, { undoable: true }) === OFFLINE) {
      form.submit();
    }
  });
});

list.addEventListener("focusin", (event) => {
  const card = event.target.closest(".mod-poll");
  if (!card || stateOf(card).state === "archived" || card.dataset.poll === lastUsed) return;
  remember(card.dataset.poll);
  markCurrent();
});

function undo() {
  if (!undoFor) { announce(strings.nothing_to_undo); return; }
  const { id } = undoFor;
  const fromButton = toast.contains(document.activeElement);
  undoFor = null;
  undoButton.hidden = true;
  enqueue(async () => {
    if (await act(id, "open") === OFFLINE) announce(strings.offline, { error: true });
    else if (fromButton) {  // the button is gone: back to the poll
      await refresh();
      const card = cardOf(id);
      if (card) card.focus({ preventScroll: true });
    }
  });
}
undoButton.addEventListener("click", undo);

// ------------------------------------------------------------------ shortcuts on the current poll

const titleOf = (card) => card.dataset.title;

function toggleOpen(card) {
  const { state } = stateOf(card);
  if (state === "open") return act(card.dataset.poll, "close", {}, { undoable: true });
  if (state === "draft" || state === "closed") return act(card.dataset.poll, "open");
  announce(fill(strings.archived, { title: titleOf(card) }));
  return null;
}

function toggleResults(card) {
  return act(card.dataset.poll, stateOf(card).resultsVisible ? "hide" : "reveal");
}

function moveScreen(card, step) {
  const target = stateOf(card).screenPosition + step;
  if (target >= Number(card.dataset.questions)) {
    announce(fill(strings.last_question, { title: titleOf(card) }));
    return null;
  }
  if (target < 0) {
    announce(fill(strings.first_question, { title: titleOf(card) }));
    return null;
  }
  return act(card.dataset.poll, "screen", { position: String(target) });
}

// ------------------------------------------------------------------ the agenda

// Its forms post as without JavaScript; the page they lead back to gives the new agenda,
// which replaces this one (the stream tells the other pages).
async function sendAgenda(form) {
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
    });
  } catch {
    form.submit();
    return;
  }
  const text = await response.text();
  if (!response.ok) {
    let message = String(response.status);
    try { message = JSON.parse(text).message || message; } catch { /* not JSON */ }
    announce(fill(strings.failed, { message }), { error: true });
    return;
  }
  const page = parse(text);
  const fresh = page.getElementById("agenda");
  const section = document.getElementById("agenda");
  if (!fresh || !section) { window.location.assign(response.url); return; }
  const active = document.activeElement;
  const inside = section.contains(active);
  const key = inside ? controlKey(active) : null;
  const item = inside ? active.closest("[data-agenda-item]") : null;
  const node = document.importNode(fresh, true);
  section.replaceWith(node);
  if (inside) {
    const again = (item && node.querySelector(`[data-agenda-item="${item.dataset.agendaItem}"] .button`))
      || (key && key.action && node.querySelector(`[data-action="${key.action}"]`))
      || node.querySelector("[data-action=agenda-next]");
    if (again) again.focus({ preventScroll: true });
  }
  const next = page.getElementById("live");
  if (next) agendaPoll = next.dataset.agendaPoll || "";
  markCurrent();
  const now = node.querySelector(".agenda-item.is-now strong");
  announce(now ? fill(strings.agenda_now, { title: now.textContent }) : strings.agenda_none);
}

root.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.closest("#agenda")) return;
  event.preventDefault();
  enqueue(() => sendAgenda(form));
});

// Every other moderator form (the Q&A settings, closing the event for takeaways…) posts
// without leaving the page: the stream redraws what changed. Registered after the sections'
// own handlers, it leaves alone what they took; offline, the plain form posts.
root.addEventListener("submit", async (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
  // a form people type into keeps its plain post: its page shows each field's error
  if (form.querySelector('textarea, select, input:not([type="hidden"], [type="checkbox"], [type="radio"])')) return;
  const target = new URL(form.getAttribute("action"), window.location.href);
  if (target.origin !== window.location.origin || !target.pathname.startsWith(`/e/${code}/moderate/`)) return;
  event.preventDefault();
  let response;
  try {
    response = await fetch(target, {
      method: "POST",
      body: new URLSearchParams(new FormData(form, event.submitter || undefined)),
      credentials: "same-origin",
      redirect: "manual",
      headers: { accept: "application/json" },
    });
  } catch {
    announce(strings.offline, { error: true });
    return;
  }
  if (response.type === "opaqueredirect" || response.ok) {
    announce(strings.done);
    return;
  }
  let message = String(response.status);
  try { message = (await response.json()).message || message; } catch { /* not JSON */ }
  announce(fill(strings.failed, { message }), { error: true });
});

document.addEventListener("agora:agenda", (event) => {
  const now = event.detail && event.detail.current;
  agendaPoll = now && now.poll_id ? String(now.poll_id) : "";
  markCurrent();
});

// ------------------------------------------------------------------ keys

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (isTyping(event.target)) return;
  if (event.key === "]" || event.key === "[") {
    const form = root.querySelector(`[data-action="agenda-${event.key === "]" ? "next" : "previous"}"]`)?.form;
    if (!form) return;
    event.preventDefault();
    enqueue(() => sendAgenda(form));
    return;
  }
  const key = event.key.toLowerCase();
  if (key === "u") { event.preventDefault(); undo(); return; }
  const actions = {
    o: toggleOpen,
    r: toggleResults,
    n: (card) => moveScreen(card, event.shiftKey ? -1 : 1),
    p: (card) => moveScreen(card, -1),
  };
  if (!actions[key]) return;
  event.preventDefault();
  enqueue(async () => {
    const card = currentCard();  // as it stands once the actions before this one are done
    if (!card) { announce(strings.no_poll); return; }
    if (await actions[key](card) === OFFLINE) announce(strings.offline, { error: true });
  });
});

// ------------------------------------------------------------------ the stream

// Another moderator (or this one, in another tab) changed a poll: redraw what differs.
function follow(polls) {
  const shown = cards().filter((card) => card.dataset.state !== "archived");
  if (shown.map((card) => card.dataset.poll).join() !== polls.map((p) => String(p.id)).join()) {
    redraw.list = true;
  } else {
    for (const poll of polls) {
      const card = cardOf(poll.id);
      if (card.dataset.state !== poll.state
        || card.dataset.resultsVisible !== String(poll.results_visible)
        || Number(card.dataset.screenPosition) !== poll.screen_position
        || Number(card.dataset.questions) !== poll.questions.length
        || (poll.title && card.dataset.title !== poll.title)) {
        redraw.cards.add(String(poll.id));
      }
    }
  }
  if (redraw.list || redraw.cards.size) enqueue(async () => {});
}

connect(root.dataset.stream, {
  snapshot: ({ sections }) => {
    Object.assign(tables, sections.poll_tables);
    renderAll(sections.poll_tables);
    follow(sections.polls.polls);
  },
  results: (data) => {
    tables[data.question_id] = data.table;
    renderAll({ [data.question_id]: data.table });
  },
  polls: (data) => follow(data.polls),
});

renderAll(tables);
markCurrent();
