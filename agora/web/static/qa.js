// Q&A on the three live pages: the lists follow the stream (new, upvoted, moderated
// questions), and on the phone asking and upvoting go through the JSON API without a
// reload. The plain forms of the page keep working without this script.
// Every text that came from a person is inserted with textContent, never as HTML.
import { countText, on, readJSON } from "./live.js";

const root = document.getElementById("live");
const box = document.querySelector("[data-qa]");
const t = {
  votes: { one: "%(num)s vote", other: "%(num)s votes" }, anonymous: "Anonymous", answered: "Answered", on_screen: "On the screen now",
  upvote: "Upvote", approve: "Approve", reject: "Reject", highlight: "Show on the screen",
  unhighlight: "Take off the screen", answer: "Mark answered", archive: "Archive", restore: "Restore",
  reopen: "Not answered yet", rejected: "rejected", archived: "archived", sending: "Sending…",
  sent: "Thank you, your question is in.", waiting: "Your question will appear once a moderator approves it.",
  offline: "You are offline. Your question is kept.",
  ...readJSON("qa-strings", {}),
};
const votesText = (n) => countText(t.votes, n);
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Most upvoted first (ties: asked first), or newest first — as the server sorts.
const byVotes = (a, b) => b.votes - a.votes || a.created_at.localeCompare(b.created_at) || a.id - b.id;
const byTime = (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id;

// Where each item is, so that after a reorder it can glide from there (FLIP).
function positions(list) {
  return new Map([...list.children].map((li) => [li.dataset.id, li.getBoundingClientRect().top]));
}

function glide(list, before) {
  if (reducedMotion.matches) return;
  const moved = [];
  for (const li of list.children) {
    const top = before.get(li.dataset.id);
    if (top === undefined) continue;
    const dy = top - li.getBoundingClientRect().top;
    if (Math.abs(dy) < 1) continue;
    li.style.transition = "none";
    li.style.transform = `translateY(${dy}px)`;
    moved.push(li);
  }
  if (!moved.length) return;
  void list.offsetHeight; // apply the starting offsets before the transition starts
  for (const li of moved) {
    li.style.transition = "transform 0.45s ease-out";
    li.style.transform = "";
  }
}

// Keyed update: existing items are updated and moved, never redrawn from scratch, so the
// list does not flicker and an item keeps its focus unless it changed shape.
function keyed(list, rows, create, update) {
  const before = positions(list);
  const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
  const wanted = new Set(rows.map((row) => String(row.id)));
  for (const [id, li] of existing) if (!wanted.has(id)) li.remove();
  rows.forEach((row, index) => {
    let li = existing.get(String(row.id));
    if (!li) li = create(row);
    li.dataset.votes = String(row.votes);
    li.dataset.created = row.created_at;
    update(li, row);
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
  glide(list, before);
}

function showEmpty(name, empty) {
  const node = box.querySelector(name ? `[data-qa-empty="${name}"]` : "[data-qa-empty]");
  if (node) node.hidden = !empty;
}

// ------------------------------------------------------------------ the phone
function setupParticipant() {
  const code = root.dataset.event;
  const list = box.querySelector('[data-qa-list="public"]');
  const upvoted = new Set(
    [...list.querySelectorAll('.qa-vote[aria-pressed="true"]')].map((b) => b.closest("li").dataset.id),
  );
  let order = box.dataset.qaOrder === "time" ? "time" : "votes";
  let questions = [...list.children].map((li) => ({
    id: Number(li.dataset.id), votes: Number(li.dataset.votes), created_at: li.dataset.created,
  }));
  let latest = null; // the last full list the stream sent

  function voteControl(li, q) {
    li.querySelector(".qa-vote-form, .qa-votes")?.remove();
    if (q.state !== "approved") {
      li.append(el("p", "qa-votes", votesText(q.votes)));
      return;
    }
    const form = el("form", "qa-vote-form");
    form.method = "post";
    const order_ = el("input");
    order_.type = "hidden"; order_.name = "order"; order_.value = order;
    const button = el("button", "qa-vote");
    button.type = "submit";
    button.setAttribute("aria-describedby", `aq-text-${q.id}`);
    const arrow = el("span", "qa-arrow", "▲");
    arrow.setAttribute("aria-hidden", "true");
    button.append(arrow, el("span", "visually-hidden", t.upvote), " ", el("span", "qa-count", q.votes));
    form.append(order_, button);
    li.append(form);
  }

  function setPressed(li, pressed) {
    const button = li.querySelector(".qa-vote");
    if (!button) return;
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    li.querySelector(".qa-vote-form").action = `/e/${code}/qa/${li.dataset.id}/${pressed ? "withdraw" : "upvote"}`;
  }

  function create(q) {
    const li = el("li", "qa-item");
    li.id = `aq-${q.id}`;
    li.dataset.id = String(q.id);
    const body = el("div", "qa-body");
    const text = el("p", "qa-text");
    text.id = `aq-text-${q.id}`;
    const meta = el("p", "qa-meta");
    meta.append(el("span", "qa-author"), " ");
    body.append(text, meta);
    li.append(body);
    return li;
  }

  function update(li, q) {
    li.querySelector(".qa-text").textContent = q.text;
    li.querySelector(".qa-author").textContent = q.author || t.anonymous;
    li.classList.toggle("qa-highlighted", q.highlighted);
    const meta = li.querySelector(".qa-meta");
    meta.querySelector(".qa-badge")?.remove();
    const badge = q.highlighted ? t.on_screen : q.state === "answered" ? t.answered : "";
    if (badge) meta.append(el("span", "badge qa-badge", badge));
    if (li.dataset.state !== q.state || !li.querySelector(".qa-vote-form, .qa-votes")) {
      li.dataset.state = q.state;
      voteControl(li, q);
    }
    const count = li.querySelector(".qa-count");
    if (count) count.textContent = String(q.votes);
    else li.querySelector(".qa-votes").textContent = votesText(q.votes);
    setPressed(li, upvoted.has(String(q.id)));
  }

  function draw() {
    if (latest) questions = latest;
    const sorted = [...questions].sort(order === "time" ? byTime : byVotes);
    if (latest) keyed(list, sorted, create, update);
    else { // before the first message: only reorder what the server drew
      const before = positions(list);
      const items = new Map([...list.children].map((li) => [li.dataset.id, li]));
      sorted.forEach((q) => list.append(items.get(String(q.id))));
      glide(list, before);
    }
    list.querySelectorAll('input[name="order"]').forEach((input) => { input.value = order; });
    showEmpty("", sorted.length === 0);
    // a pending question of mine that is now on the list no longer waits
    const shown = new Set(sorted.map((q) => String(q.id)));
    const mine = box.querySelector("[data-qa-mine]");
    mine?.querySelectorAll("li").forEach((li) => { if (shown.has(li.dataset.id)) li.remove(); });
    const mineBox = box.querySelector("[data-qa-mine-box]");
    if (mineBox && mine) mineBox.hidden = mine.children.length === 0;
  }

  on("qa", (data) => { latest = data.questions; draw(); });
  on("snapshot", (data) => { if (data.sections?.qa) { latest = data.sections.qa.questions; draw(); } });

  // Most upvoted / newest without a reload; the links still work without JavaScript.
  box.querySelectorAll("[data-qa-order-link]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      order = link.dataset.qaOrderLink;
      box.dataset.qaOrder = order;
      box.querySelectorAll("[data-qa-order-link]").forEach((other) => {
        if (other === link) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      const url = new URL(window.location.href);
      url.searchParams.set("qa_order", order);
      window.history.replaceState(null, "", url);
      draw();
    });
  });

  // Upvote or take it back through the API; the count changes at once.
  list.addEventListener("submit", async (event) => {
    const form = event.target.closest(".qa-vote-form");
    if (!form) return;
    event.preventDefault();
    const li = form.closest("li");
    if (li.dataset.busy) return;
    li.dataset.busy = "1";
    const id = li.dataset.id;
    const up = !upvoted.has(id);
    try {
      const response = await fetch(`/api/v1/audience-questions/${id}/upvote`, {
        method: up ? "POST" : "DELETE", credentials: "same-origin", headers: { accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) { showError(body.message || String(response.status)); return; }
      showError("");
      if (body.upvoted) upvoted.add(id); else upvoted.delete(id);
      const count = li.querySelector(".qa-count");
      if (count) count.textContent = String(body.votes);
      li.dataset.votes = String(body.votes);
      setPressed(li, body.upvoted);
    } catch {
      showError(t.offline);
    } finally {
      delete li.dataset.busy;
    }
  });

  // Asking: keep the draft across reloads, send it through the API, keep it on failure.
  const form = box.querySelector("[data-qa-ask]");
  const textarea = form.querySelector("textarea");
  const nameInput = form.querySelector('input[name="author_name"]');
  const status = form.querySelector("[data-qa-status]");
  const error = form.querySelector("[data-qa-error]");
  const DRAFT = `agora-qa-draft-${code}`;
  function showError(message) {
    error.hidden = !message;
    error.textContent = message;
    if (message) error.setAttribute("role", "alert"); else error.removeAttribute("role");
  }
  if (!textarea.value) textarea.value = sessionStorage.getItem(DRAFT) || "";
  textarea.addEventListener("input", () => sessionStorage.setItem(DRAFT, textarea.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    status.textContent = t.sending;
    const name = nameInput ? nameInput.value : null;
    const payload = {
      text: textarea.value,
      author_name: name,
      anonymous: name !== null && name.trim() === "",
    };
    let response;
    try {
      response = await fetch(`/api/v1/events/${code}/questions`, {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(payload),
      });
    } catch {
      status.textContent = "";
      showError(t.offline);
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = "";
      showError(body.message || String(response.status));
      return;
    }
    textarea.value = "";
    sessionStorage.removeItem(DRAFT);
    if (body.state === "pending") {
      status.textContent = t.waiting;
      const mine = box.querySelector("[data-qa-mine]");
      const item = el("li", "", body.text);
      item.dataset.id = String(body.id);
      mine.append(item);
      box.querySelector("[data-qa-mine-box]").hidden = false;
    } else {
      status.textContent = t.sent;
    }
  });
}

// ------------------------------------------------------------------ the moderator
const ACTIONS = {
  pending: () => ["approve", "reject"],
  approved: (q) => [q.highlighted ? "unhighlight" : "highlight", "answer", "archive"],
  answered: () => ["restore", "archive"],
  rejected: () => ["restore"],
  archived: () => ["restore"],
};

function setupModerator() {
  const code = root.dataset.event;
  const lists = {};
  box.querySelectorAll("[data-qa-list]").forEach((list) => { lists[list.dataset.qaList] = list; });
  const groupOf = (q) => (q.state === "rejected" || q.state === "archived" ? "closed" : q.state);
  const signature = (q) => JSON.stringify([q.state, q.highlighted, q.votes, q.text, q.author]);

  function create(q) {
    const li = el("li", "qa-item");
    li.id = `aq-${q.id}`;
    li.dataset.id = String(q.id);
    return li;
  }

  function update(li, q) {
    if (li.dataset.signature === signature(q)) return;
    li.dataset.signature = signature(q);
    li.dataset.state = q.state;
    li.classList.toggle("qa-highlighted", q.highlighted);
    const body = el("div", "qa-body");
    const text = el("p", "qa-text", q.text);
    text.id = `aq-text-${q.id}`;
    const meta = el("p", "qa-meta");
    meta.append(el("span", "qa-author", q.author || t.anonymous), " · ", el("span", "qa-votes", votesText(q.votes)));
    const badge = q.highlighted ? t.on_screen : (q.state === "rejected" || q.state === "archived") ? t[q.state] : "";
    if (badge) meta.append(" ", el("span", "badge qa-badge", badge));
    body.append(text, meta);
    const controls = el("div", "controls");
    ACTIONS[q.state](q).forEach((action, index) => {
      const form = el("form");
      form.method = "post";
      form.action = `/e/${code}/moderate/qa/${q.id}/${action}`;
      const label = action === "restore" && q.state === "answered" ? t.reopen : t[action];
      const button = el("button", index === 0 ? "button primary" : "button", label);
      button.type = "submit";
      button.dataset.qaAction = action;
      button.setAttribute("aria-describedby", `aq-text-${q.id}`);
      form.append(button);
      controls.append(form);
    });
    li.replaceChildren(body, controls);
  }

  function draw(questions) {
    const groups = { pending: [], approved: [], answered: [], closed: [] };
    for (const q of questions) groups[groupOf(q)]?.push(q);
    groups.pending.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
    groups.approved.sort(byVotes);
    groups.answered.sort(byVotes);
    groups.closed.sort((a, b) => (a.state === b.state ? byVotes(a, b) : a.state === "rejected" ? -1 : 1));
    for (const [name, rows] of Object.entries(groups)) {
      if (!lists[name]) continue;
      keyed(lists[name], rows, create, update);
      const count = box.querySelector(`[data-qa-count="${name}"]`);
      if (count) count.textContent = String(rows.length);
      showEmpty(name, rows.length === 0);
    }
  }

  let focusAfterDraw = null;
  function redraw(questions) {
    draw(questions);
    const item = focusAfterDraw && document.getElementById(focusAfterDraw);
    if (item && document.activeElement !== item) { item.tabIndex = -1; item.focus(); }
    focusAfterDraw = null;
  }
  on("qa_moderation", (data) => redraw(data.questions));
  on("snapshot", (data) => { if (data.sections?.qa_moderation) redraw(data.sections.qa_moderation.questions); });

  // A moderator's button goes through the JSON API: the page stays where it is (no reload)
  // and the stream redraws the lists; the question keeps the focus. Offline, the plain
  // form posts as it does without JavaScript.
  box.addEventListener("submit", async (event) => {
    const form = event.target;
    const action = form.querySelector("[data-qa-action]")?.dataset.qaAction;
    const li = form.closest(".qa-item");
    if (event.defaultPrevented || !action || !li) return;
    event.preventDefault();
    let response;
    try {
      response = await fetch(`/api/v1/audience-questions/${li.dataset.id}/${action}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { accept: "application/json" },
      });
    } catch {
      form.submit();
      return;
    }
    let message = "";
    if (!response.ok) {
      try { message = (await response.json()).message || ""; } catch { /* not JSON */ }
    }
    li.tabIndex = -1;
    li.focus();  // its buttons are redrawn; the item (or its copy in another list) keeps focus
    focusAfterDraw = li.id;
    const text = message || `${form.querySelector("button").textContent}: ${li.querySelector(".qa-text")?.textContent || ""}`;
    document.dispatchEvent(new CustomEvent("agora:announce", { detail: { text } }));
  });
}

// ------------------------------------------------------------------ the projector
const SCREEN_TOP = 5;

function setupScreen() {
  const list = box.querySelector('[data-qa-list="screen"]');
  const spotlight = box.querySelector("[data-qa-spotlight]");

  function create(q) {
    const li = el("li", "qa-screen-item");
    li.dataset.id = String(q.id);
    const votes = el("span", "qa-screen-votes");
    const arrow = el("span", "", "▲");
    arrow.setAttribute("aria-hidden", "true");
    votes.append(arrow, " ", el("span", "qa-count"));
    const body = el("span", "qa-screen-body");
    body.append(el("span", "qa-screen-text"), " ", el("span", "qa-screen-author"));
    li.append(votes, body);
    return li;
  }

  function update(li, q) {
    li.querySelector(".qa-count").textContent = String(q.votes);
    li.querySelector(".qa-screen-text").textContent = q.text;
    li.querySelector(".qa-screen-author").textContent = q.author;
  }

  function draw(questions) {
    const open = questions.filter((q) => q.state === "approved").sort(byVotes);
    const spot = open.find((q) => q.highlighted) || null;
    spotlight.hidden = !spot;
    spotlight.querySelector('[data-qa-field="text"]').textContent = spot ? spot.text : "";
    spotlight.querySelector('[data-qa-field="author"]').textContent = spot ? spot.author : "";
    const top = open.filter((q) => q !== spot).slice(0, SCREEN_TOP);
    keyed(list, top, create, update);
    showEmpty("screen", !spot && top.length === 0);
  }

  on("qa", (data) => draw(data.questions));
  on("snapshot", (data) => { if (data.sections?.qa) draw(data.sections.qa.questions); });
}

if (root && box) {
  const role = root.dataset.role;
  if (role === "participant") setupParticipant();
  else if (role === "moderator") setupModerator();
  else if (role === "screen") setupScreen();
}
