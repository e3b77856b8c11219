// Takeaways on the pages: "add another" rows in the form, drafts kept across reloads, and
// the live lists (approved ones for everyone, all of them for moderators). What people
// wrote is written with textContent only, never as HTML.
import { on, readJSON } from "./live.js";

const strings = readJSON("takeaways-strings", {});
const areas = strings.areas || {};
const kinds = strings.kinds || {};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// ------------------------------------------------------------------ the form

// Each row's fields are named "partners-2-place": a copy of the last row gets the next index.
function addRow(rows) {
  const all = rows.querySelectorAll(":scope > .takeaway-row");
  const last = all[all.length - 1];
  const index = all.length;
  const copy = last.cloneNode(true);
  copy.dataset.row = String(index);
  const renumber = (value) => value.replace(/-(partners|outcomes)-\d+-/, `-$1-${index}-`)
    .replace(/^(partners|outcomes)-\d+-/, `$1-${index}-`);
  copy.querySelectorAll("[id], [for], [name]").forEach((node) => {
    for (const attr of ["id", "for", "name"]) {
      if (node.hasAttribute(attr)) node.setAttribute(attr, renumber(node.getAttribute(attr)));
    }
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
    if (node.tagName === "SELECT") node.selectedIndex = 0;
    else if ("value" in node && node.tagName !== "LABEL") node.value = "";
  });
  const legend = copy.querySelector("legend");
  legend.textContent = (legend.dataset.legend || "").replace("#", String(index + 1));
  last.after(copy);
  const button = rows.querySelector(":scope > [data-add-row]");
  if (index + 1 >= Number(rows.dataset.max || 20)) button.hidden = true;
  return copy;
}

function setupRows(form) {
  form.querySelectorAll("[data-rows]").forEach((rows) => {
    const button = rows.querySelector(":scope > [data-add-row]");
    const count = rows.querySelectorAll(":scope > .takeaway-row").length;
    button.hidden = count >= Number(rows.dataset.max || 20);
    button.addEventListener("click", () => addRow(rows).querySelector("input, select")?.focus());
  });
}

// A draft in sessionStorage: the live pages reload when a poll opens, and what someone
// was typing must survive that.
const draftKey = (form) => `agora-draft:${window.location.pathname}:${form.dataset.keepDraft}`;

function saveDraft(form) {
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (name !== "back" && typeof value === "string" && value) fields[name] = value;
  }
  try { sessionStorage.setItem(draftKey(form), JSON.stringify(fields)); } catch { /* full or off */ }
}

function restoreDraft(form) {
  let fields = null;
  try { fields = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null"); } catch { fields = null; }
  if (!fields) return;
  for (const [name, value] of Object.entries(fields)) {
    const row = /^(partners|outcomes)-(\d+)-/.exec(name);
    if (row) {
      const rows = form.querySelector(`[data-rows="${row[1]}"]`);
      const max = Number(rows?.dataset.max || 20);
      while (rows && !form.elements.namedItem(name) && rows.querySelectorAll(":scope > .takeaway-row").length < max) addRow(rows);
      if (rows) rows.closest("details")?.setAttribute("open", "");
    }
    const field = form.elements.namedItem(name);
    if (field && "value" in field && !field.value) field.value = value;
  }
}

function setupForm(form) {
  if (form.matches("[data-takeaway-form]")) setupRows(form);
  if (!form.dataset.keepDraft) return;
  restoreDraft(form);
  form.addEventListener("input", () => saveDraft(form));
  form.addEventListener("change", () => saveDraft(form));
  form.addEventListener("submit", () => sessionStorage.removeItem(draftKey(form)));
}

document.querySelectorAll("form[data-takeaway-form], form[data-keep-draft]").forEach(setupForm);

// ------------------------------------------------------------------ the lists

function card(t) {
  const article = el("article", "takeaway");
  article.dataset.takeaway = String(t.id);
  const whoLine = el("p", "takeaway-who");
  if (t.speaker_name) whoLine.append(el("strong", "", t.speaker_name));
  const rest = [t.organisation, t.place, t.country].filter(Boolean).join(" · ");
  if (rest) whoLine.append(t.speaker_name ? `, ${rest}` : rest);
  article.append(whoLine, el("p", "takeaway-lesson", t.lesson));
  if (t.topics.length) {
    const topics = el("p", "takeaway-topics");
    topics.append(el("span", "takeaway-label", strings.topics), ` ${t.topics.join(", ")}`);
    article.append(topics);
  }
  const list = (label, className, items) => {
    if (!items.length) return;
    const ul = el("ul", className);
    ul.append(...items.map((text) => el("li", "", text)));
    article.append(el("p", "takeaway-label", label), ul);
  };
  list(strings.partners, "takeaway-partners", t.partners.map((p) =>
    [p.organisation, p.place, p.country, areas[p.world_area] || ""].filter(Boolean).join(" · ")));
  list(strings.outcomes, "takeaway-outcomes", t.outcomes.map((o) =>
    [kinds[o.kind] || o.kind, o.description, o.date].filter(Boolean).join(" · ")));
  return article;
}

function drawPublic(view) {
  const list = document.querySelector("[data-takeaways-public]");
  if (list) {
    list.replaceChildren(...view.takeaways.map((t) => { const li = el("li"); li.append(card(t)); return li; }));
    const empty = document.querySelector("[data-takeaways-empty]");
    if (empty) empty.hidden = view.takeaways.length > 0;
  }
  const latest = document.querySelector("[data-takeaways-latest]");
  if (latest) {
    document.querySelector("[data-takeaways-count]").textContent = String(view.count);
    latest.replaceChildren(...view.takeaways.slice(-3).reverse().map((t) => {
      const li = el("li", "takeaway-screen-item");
      const lesson = t.lesson.length > 280 ? `${t.lesson.slice(0, 277)}...` : t.lesson;
      li.append(
        el("p", "takeaway-screen-who", [t.speaker_name, t.organisation, t.place].filter(Boolean).join(" · ")),
        el("p", "takeaway-screen-lesson", lesson),
      );
      return li;
    }));
  }
}

const moderation = document.querySelector("[data-takeaways-moderation]");

function moderationButton(t, action, label, primary) {
  const form = el("form");
  form.method = "post";
  form.action = `/e/${moderation.dataset.event}/moderate/takeaways/${t.id}/${action}`;
  form.dataset.api = `/api/v1/takeaways/${t.id}/${action}`;
  const button = el("button", primary ? "button primary" : "button", label);
  button.type = "submit";
  button.append(el("span", "visually-hidden", `: ${t.lesson.slice(0, 40)}`));
  form.append(button);
  return form;
}

let shownModeration = "";
function drawModeration(view) {
  const signature = JSON.stringify(view);
  if (signature === shownModeration) return;  // keep the focus where it is when nothing changed
  shownModeration = signature;
  const counts = view.counts;
  moderation.querySelector("[data-takeaways-counts]").textContent = String(strings.counts || "")
    .replace("{pending}", counts.pending).replace("{approved}", counts.approved)
    .replace("{rejected}", counts.rejected);
  moderation.querySelector("[data-takeaways-none]").hidden = view.takeaways.length > 0;
  moderation.querySelector("[data-takeaways-all]").replaceChildren(...view.takeaways.map((t) => {
    const li = el("li");
    li.dataset.state = t.state;
    const controls = el("div", "controls");
    if (t.state !== "approved") controls.append(moderationButton(t, "approve", strings.approve, true));
    if (t.state !== "rejected") controls.append(moderationButton(t, "reject", strings.reject, false));
    if (t.state !== "pending") controls.append(moderationButton(t, "restore", strings.restore, false));
    const edit = el("a", "button", strings.edit);
    edit.href = `/e/${moderation.dataset.event}/takeaways/${t.id}/edit?back=moderator`;
    edit.append(el("span", "visually-hidden", `: ${t.lesson.slice(0, 40)}`));
    controls.append(edit);
    if (t.knowledge) {  // added already: the record it became
      const record = el("a", "button", strings.in_knowledge);
      record.href = t.knowledge;
      record.append(el("span", "visually-hidden", `: ${t.lesson.slice(0, 40)}`));
      controls.append(record);
    } else if (t.state === "approved") {  // the knowledge base's review page (agora/knowledge)
      const promote = el("a", "button", strings.promote);
      promote.href = `/e/${moderation.dataset.event}/takeaways/${t.id}/promote`;
      promote.append(el("span", "visually-hidden", `: ${t.lesson.slice(0, 40)}`));
      controls.append(promote);
    }
    li.append(el("span", `badge state-${t.state}`, strings[t.state] || t.state), card(t), controls);
    return li;
  }));
}

// The turns whose takeaway the moderator can record: the speaker now, then finished turns.
function drawTurns(view) {
  const select = moderation && moderation.querySelector("[data-turn-select]");
  if (!select) return;
  const turns = [];
  if (view.speaking && !view.speaking.takeaway) turns.push({ ...view.speaking, state: "speaking" });
  turns.push(...view.earlier.filter((r) => r.state === "done" && !r.takeaway));
  const chosen = select.value;
  select.replaceChildren(...(turns.length ? turns.map((r) => {
    const label = `${r.name}${r.topic ? ` — ${r.topic}` : ""}${r.state === "speaking" ? ` (${strings.speaking})` : ""}`;
    const option = el("option", "", label);
    option.value = String(r.id);
    option.selected = String(r.id) === chosen;
    return option;
  }) : [Object.assign(el("option", "", strings.no_turn), { value: "" })]));
}

async function sendAction(form) {
  const error = moderation.querySelector("[data-takeaways-error]");
  let response;
  try {
    response = await fetch(form.dataset.api, {
      method: "POST", credentials: "same-origin", headers: { accept: "application/json" },
    });
  } catch {
    form.submit();
    return;
  }
  if (response.ok) { error.hidden = true; return; }
  let message = String(response.status);
  try { message = (await response.json()).message || message; } catch { /* not JSON */ }
  error.textContent = message;
  error.hidden = false;
}

on("takeaways", drawPublic);
on("snapshot", (data) => {
  const sections = data.sections || {};
  if (sections.takeaways) drawPublic(sections.takeaways);
  if (moderation && sections.takeaways_moderation) drawModeration(sections.takeaways_moderation);
  if (moderation && sections.floor_moderation) drawTurns(sections.floor_moderation);
});
if (moderation) {
  on("takeaways_moderation", drawModeration);
  on("floor_moderation", drawTurns);
  moderation.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    sendAction(form);
  });
}
