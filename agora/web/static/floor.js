// The floor queue on the three pages: who speaks (with a running timer), who waits, and the
// moderator's buttons. Names and topics come from people: they are written with
// textContent only, never as HTML.
import { choosePane, countText, isTyping, on, readJSON } from "./live.js";

const root = document.querySelector("[data-floor]");
const role = root ? root.dataset.floor : "";
const strings = readJSON("floor-strings", {});
const fill = (template, n) => String(template || "").replace("{n}", String(n));
const named = (template, name) => String(template || "").replace("{name}", name);

// The server's clock at page load: every device shows the same speaking time even when
// its own clock is off (projector laptops often are).
const skew = root && root.dataset.now ? Date.parse(root.dataset.now) - Date.now() : 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function mmss(started) {
  const since = Date.parse(started);
  if (Number.isNaN(since)) return "00:00";
  const seconds = Math.max(0, Math.floor((Date.now() + skew - since) / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
}

// Text only, once a second: nothing moves, so reduced motion needs nothing more.
function tick() {
  document.querySelectorAll("[data-floor-timer]").forEach((node) => {
    if (node.dataset.started) node.textContent = mmss(node.dataset.started);
  });
}

const who = (r) => [r.organisation, r.place].filter(Boolean).join(" · ");

// ------------------------------------------------------------------ the screen

// While someone speaks the screen shows the floor pane, whatever the agenda says; when the
// turn ends it goes back to the agenda's pane (live.js choosePane holds the rule).
const initialHidden = new Map([...document.querySelectorAll("[data-pane]")].map((p) => [p, p.hidden]));

function showFloorPane(speaking) {
  const flag = speaking ? "1" : "0";
  if (document.body.dataset.floorSpeaking === flag) return;
  document.body.dataset.floorSpeaking = flag;
  if (document.body.dataset.agendaPane) { choosePane(); return; }
  // the agenda has not said yet: the floor while someone speaks, else the page as drawn
  initialHidden.forEach((hidden, pane) => {
    pane.hidden = speaking ? pane.dataset.pane !== "floor" : hidden;
  });
}

function drawScreen(view) {
  const speaking = view.speaking;
  root.dataset.speaking = speaking ? String(speaking.id) : "";
  root.querySelector("[data-floor-speaker]").hidden = !speaking;
  root.querySelector("[data-floor-idle]").hidden = Boolean(speaking);
  const timer = root.querySelector("[data-floor-timer]");
  if (speaking) {
    root.querySelector("[data-floor-name]").textContent = speaking.name;
    root.querySelector("[data-floor-organisation]").textContent = speaking.organisation;
    root.querySelector("[data-floor-place]").textContent = speaking.place;
    root.querySelector("[data-floor-topic]").textContent = speaking.topic;
    timer.dataset.started = speaking.started_at || "";
  } else {
    timer.dataset.started = "";
  }
  root.querySelector("[data-floor-waiting]").textContent = `(${view.waiting})`;
  root.querySelector("[data-floor-next]").replaceChildren(...view.next.map((r) => {
    const li = el("li");
    li.append(el("strong", "", r.name));
    if (who(r)) li.append(el("span", "", ` · ${who(r)}`));
    return li;
  }));
  showFloorPane(Boolean(speaking));
  tick();
}

// ------------------------------------------------------------------ the phone

function drawPhone(view) {
  const now = root.querySelector("[data-floor-now]");
  if (view.speaking) {
    const org = view.speaking.organisation ? `, ${view.speaking.organisation}` : "";
    now.replaceChildren(`${strings.speaking_now} `, el("strong", "", view.speaking.name), org);
  } else {
    now.textContent = strings.nobody;
  }
  root.querySelector("[data-floor-count]").textContent = countText(strings.waiting, view.waiting);
  const mine = Number(root.dataset.mine || 0);
  const status = root.querySelector("[data-floor-mine-status]");
  if (!mine || !status) return;
  const withdraw = root.querySelector("[data-floor-withdraw]");
  const place = view.queue.indexOf(mine);
  if (view.speaking && view.speaking.id === mine) {
    root.dataset.mineState = "speaking";
    status.textContent = strings.your_turn;
    if (withdraw) withdraw.hidden = true;
  } else if (place >= 0) {
    status.textContent = fill(strings.in_line, place + 1);
  } else if (!root.querySelector("[data-floor-show]")) {
    // the turn ended or the moderator took the request out: offer the fresh page
    status.textContent = root.dataset.mineState === "speaking" ? strings.turn_over : strings.taken_out;
    if (withdraw) withdraw.hidden = true;
    const show = el("button", "button", strings.show);
    show.type = "button";
    show.dataset.floorShow = "";
    show.addEventListener("click", () => window.location.reload());
    status.after(show);
  }
}

// ------------------------------------------------------------------ the moderator

function actionForm(path, api, label, about, { kind = "", method = "POST", position = null } = {}) {
  const form = el("form");
  form.method = "post";
  form.action = `/e/${root.dataset.event}/moderate/floor/${path}`;
  form.dataset.api = api;
  form.dataset.method = method;
  if (position !== null) form.dataset.position = String(position);
  const button = el("button", `button ${kind}`.trim(), label);
  button.type = "submit";
  if (about) button.append(el("span", "visually-hidden", `: ${about}`));
  form.append(button);
  return form;
}

function takeawayLink(r) {
  const link = el("a", "button", r.takeaway ? strings.edit : strings.record);
  link.href = `/e/${root.dataset.event}/floor/${r.id}/takeaway?back=moderator`;
  link.append(el("span", "visually-hidden", `: ${r.name}`));
  return link;
}

function nameLine(r) {
  const p = el("p");
  p.append(el("strong", "", r.name));
  if (r.organisation) p.append(`, ${r.organisation}`);
  if (r.place) p.append(` · ${r.place}`);
  return p;
}

function drawModeration(view) {
  const current = root.querySelector("[data-floor-current]");
  const s = view.speaking;
  if (s) {
    const line = nameLine(s);
    line.className = "floor-current-name";
    const nodes = [line];
    if (s.topic) nodes.push(el("p", "floor-current-topic", s.topic));
    const timerLine = el("p", "floor-timer-line", `${strings.timer}: `);
    const timer = el("span", "floor-timer", mmss(s.started_at));
    timer.setAttribute("role", "timer");
    timer.dataset.floorTimer = "";
    timer.dataset.started = s.started_at || "";
    timerLine.append(timer);
    const controls = el("div", "controls");
    controls.append(
      actionForm(`${s.id}/end`, `/api/v1/floor/${s.id}/end`, strings.end, s.name, { kind: "primary" }),
      takeawayLink(s),
    );
    nodes.push(timerLine, controls);
    current.replaceChildren(...nodes);
  } else {
    current.replaceChildren(el("p", "muted", strings.nobody));
  }
  root.querySelector("[data-floor-waiting-count]").textContent = String(view.waiting.length);
  const queue = root.querySelector("[data-floor-queue]");
  if (!view.waiting.length) queue.replaceChildren(el("li", "muted", strings.nobody_waits));
  else queue.replaceChildren(...view.waiting.map((r, index, all) => {
    const li = el("li", "floor-request");
    li.dataset.request = String(r.id);
    li.append(nameLine(r));
    if (r.topic) li.append(el("p", "floor-topic-line", r.topic));
    const controls = el("div", "controls");
    controls.append(actionForm(`${r.id}/give`, `/api/v1/floor/${r.id}/give`, strings.give, r.name));
    if (index > 0) controls.append(actionForm(`${r.id}/up`, `/api/v1/floor/${r.id}/move`, strings.up, r.name, { position: index - 1 }));
    if (index < all.length - 1) controls.append(actionForm(`${r.id}/down`, `/api/v1/floor/${r.id}/move`, strings.down, r.name, { position: index + 1 }));
    controls.append(actionForm(`${r.id}/withdraw`, `/api/v1/floor/${r.id}`, strings.remove, r.name, { method: "DELETE" }));
    li.append(controls);
    return li;
  }));
  root.querySelector("[data-floor-earlier-count]").textContent = String(view.earlier.length);
  root.querySelector("[data-floor-earlier]").replaceChildren(...view.earlier.map((r) => {
    const li = el("li", "floor-request");
    li.dataset.request = String(r.id);
    li.dataset.state = r.state;
    li.dataset.search = [r.name, r.organisation, r.place].join(" ");
    const line = nameLine({ ...r, place: "" });
    line.append(" ", el("span", "badge", r.state === "done" ? strings.done : strings.withdrawn));
    const controls = el("div", "controls");
    if (r.state === "done") controls.append(takeawayLink(r));
    controls.append(actionForm(`${r.id}/requeue`, `/api/v1/floor/${r.id}/requeue`, strings.requeue, r.name));
    li.append(line, controls);
    return li;
  }));
  filterEarlier();
  tick();
}

// Earlier requests: every one, filtered by what happened (spoke, withdrawn) and by name.
// Accents and case do not matter: "jose" finds "José".
const fold = (text) => String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function filterEarlier() {
  const box = root.querySelector("[data-floor-filter]");
  const list = root.querySelector("[data-floor-earlier]");
  if (!box || !list) return;
  const state = box.querySelector("input[name=floor-earlier-state]:checked")?.value || "all";
  const words = fold(box.querySelector("[data-floor-earlier-name]").value.trim());
  const items = [...list.querySelectorAll(":scope > li[data-request]")];
  let shown = 0;
  for (const li of items) {
    const match = (state === "all" || li.dataset.state === state)
      && (!words || fold(li.dataset.search).includes(words));
    li.hidden = !match;
    if (match) shown += 1;
  }
  list.querySelector(":scope > [data-floor-earlier-none]")?.remove();
  if (items.length && !shown) {
    const none = el("li", "muted", strings.earlier_none);
    none.dataset.floorEarlierNone = "";
    list.append(none);
  }
  const filtering = state !== "all" || Boolean(words);
  const text = filtering
    ? String(strings.earlier_shown || "").replace("{shown}", String(shown)).replace("{total}", String(items.length))
    : "";
  const count = box.querySelector("[data-floor-earlier-shown]");
  if (count.textContent !== text) count.textContent = text;  // a live region: only changes
}

// The moderator page says what a shortcut did (moderator.js shows and announces it).
function say(text) {
  document.dispatchEvent(new CustomEvent("agora:announce", { detail: { text } }));
}

// The buttons go through the JSON API, so the page (and what the moderator is typing
// elsewhere on it) stays; the stream then redraws the queue. Without JavaScript they post.
let lastUpdate = 0;
async function sendAction(form) {
  const error = root.querySelector("[data-floor-error]");
  const position = form.dataset.position;
  const sent = Date.now();
  let response;
  try {
    response = await fetch(form.dataset.api, {
      method: form.dataset.method || "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: position !== undefined ? JSON.stringify({ position: Number(position) }) : undefined,
    });
  } catch {
    form.submit();  // no connection to the API: the plain form still works
    return;
  }
  if (response.ok) {
    error.hidden = true;
    error.textContent = "";
    // no live update (the stream is down): draw the page again
    setTimeout(() => { if (lastUpdate < sent) window.location.reload(); }, 4000);
    try { return await response.json(); } catch { return {}; }
  }
  let message = String(response.status);
  try { message = (await response.json()).message || message; } catch { /* not JSON */ }
  error.textContent = message;
  error.hidden = false;
  return null;
}

function setupModerator() {
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    sendAction(form);
  });
  const box = root.querySelector("[data-floor-filter]");
  if (box) {
    box.hidden = false;
    box.addEventListener("input", filterEarlier);
    box.addEventListener("change", filterEarlier);
    filterEarlier();
  }
  // S: the next speaker, E: end the turn (not while typing); each says what it did
  document.addEventListener("keydown", async (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (isTyping(event.target)) return;
    const key = event.key.toLowerCase();
    if (key !== "s" && key !== "e") return;
    event.preventDefault();
    const form = key === "s" ? root.querySelector('[data-action="floor-next"]')?.form
      : root.querySelector("[data-floor-current] form[data-api]");
    if (!form) { say(strings.nobody); return; }
    const done = await sendAction(form);
    // a refusal is already said by the queue's own alert
    if (done && done.name) say(named(key === "s" ? strings.given : strings.ended, done.name));
  });
}

// ------------------------------------------------------------------ wiring

const draw = { screen: drawScreen, participant: drawPhone, moderator: null }[role];
if (root) {
  if (draw) {
    on("floor", (data) => draw(data));
    on("snapshot", (data) => { if (data.sections && data.sections.floor) draw(data.sections.floor); });
  }
  if (role === "moderator") {
    setupModerator();
    const redraw = (view) => { lastUpdate = Date.now(); drawModeration(view); };
    on("floor_moderation", redraw);
    on("snapshot", (data) => { if (data.sections && data.sections.floor_moderation) redraw(data.sections.floor_moderation); });
  }
  if (role === "screen" && root.dataset.speaking) showFloorPane(true);
  tick();
  setInterval(tick, 1000);
}
