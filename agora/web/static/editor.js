// The poll editor (polls/templates/polls/editor): what JavaScript adds to forms that work
// without it. The same posts are sent in place and the part of the page they change is
// drawn again from the server's answer (nothing typed meanwhile is lost); Enter moves
// from the question to its options and adds an option; options are reordered by dragging
// their handle, with their arrow buttons or with Alt+↑/↓, the new position announced; the
// settings follow the kind chosen; the preview follows the typing. The page never tells
// kinds apart: which settings a kind takes comes from the server (#editor-data).

document.documentElement.classList.add("js");
const root = document.querySelector("[data-editor]");
const data = readJSON("editor-data");
const settingsOf = data.settings || {};
const strings = data.strings || {};
const announcer = document.getElementById("editor-announce");
const inflight = new Map();

function readJSON(id) {
  try { return JSON.parse(document.getElementById(id).textContent); } catch { return {}; }
}

function fill(text, values) {
  return String(text || "").replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

function announce(text) {
  if (!announcer || !text) return;
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text.trim(); }, 50);
}

// ---------------------------------------------------------------- the kind's settings
function showSettings(form) {
  const select = form?.querySelector("[data-kind-select]");
  if (!select) return;
  const takes = new Set(settingsOf[select.value] || []);
  form.querySelectorAll("[data-setting]").forEach((node) => { node.hidden = !takes.has(node.dataset.setting); });
  const none = form.querySelector("[data-no-settings]");
  if (none) none.hidden = [...takes].some((name) => name !== "options");
}

// ---------------------------------------------------------------- options
const rows = (list) => [...list.querySelectorAll(":scope > .option-row")];
const labelOf = (row) => row.querySelector("[data-option-input]").value.trim();

// The server numbers the options; after a move in the page, number them again the same way.
function renumber(list) {
  const all = rows(list);
  all.forEach((row, i) => {
    const n = i + 1;
    row.querySelector("label").textContent = row.querySelector("label").textContent.replace(/\d+/, String(n));
    row.querySelectorAll("[data-move], [data-remove]").forEach((button) => {
      button.setAttribute("aria-label", button.getAttribute("aria-label").replace(/\d+/, String(n)));
    });
    row.querySelector('[data-move="-1"]').disabled = i === 0;
    row.querySelector('[data-move="1"]').disabled = i === all.length - 1;
  });
}

function moved(row) {
  const list = row.parentElement;
  const all = rows(list);
  renumber(list);
  announce(fill(strings.moved, { label: labelOf(row), n: all.indexOf(row) + 1, count: all.length }));
  save(row.closest("form"), null, { quiet: true });
}

function move(row, delta) {
  const all = rows(row.parentElement);
  const to = all.indexOf(row) + delta;
  if (to < 0 || to >= all.length) return false;
  // moving a row blurs what is focused in it: focus it again before the save remembers
  // the focus it must give back once the question is redrawn
  const focused = row.contains(document.activeElement) ? document.activeElement : null;
  if (delta < 0) row.parentElement.insertBefore(row, all[to]);
  else row.parentElement.insertBefore(row, all[to].nextSibling);
  focused?.focus();
  moved(row);
  return true;
}

// ---------------------------------------------------------------- sending forms in place
// A question form's buttons are named "action", which hides form.action: read the attribute.
const target = (form) => new URL(form.getAttribute("action"), window.location.href).href;

function formBody(form, submitter) {
  let body;
  try { body = new FormData(form, submitter || undefined); } catch { body = new FormData(form); }
  if (submitter?.name && !body.has(submitter.name)) body.append(submitter.name, submitter.value);
  return new URLSearchParams([...body.entries()].filter(([, value]) => typeof value === "string"));
}

// What each box of a region holds, by id: what was typed after a post was sent survives it.
function typedValues(region) {
  const values = new Map();
  region.querySelectorAll("input[id], textarea[id]").forEach((box) => {
    values.set(box.id, box.type === "checkbox" ? String(box.checked) : box.value);
  });
  return values;
}

function keepTyping(before, sent, fresh) {
  const now = typedValues(before);
  for (const [id, value] of now) {
    if (sent.get(id) === value) continue;  // unchanged since the post left
    const box = fresh.querySelector(`#${CSS.escape(id)}`);
    if (!box) continue;
    if (box.type === "checkbox") box.checked = value === "true"; else box.value = value;
  }
}

// A message of the editor's own (the preview's phone form has hidden ones of its own).
function shown(scope, selector) {
  return [...scope.querySelectorAll(selector)].find((node) => !node.hidden && !node.closest("[inert]"));
}

function setStatus(scope, text) {
  const status = scope?.querySelector?.("[data-save-status]");
  if (status) status.textContent = text || "";
}

// The focused box again after the region is redrawn, the caret where it was; an option
// gone (removed) hands focus to the option now at its place.
function refocus(scope, remembered) {
  let target = remembered.id ? document.getElementById(remembered.id) : null;
  if (target && (target.disabled || target.closest("[hidden]"))) {
    target = target.closest(".option-row")?.querySelector("[data-option-input]") || null;
  }
  if (!target && remembered.optionIndex !== null) {
    const list = scope.querySelector(`[data-question-card="${remembered.card}"] [data-option-list]`);
    const inputs = list ? [...list.querySelectorAll("[data-option-input]")] : [];
    target = inputs[Math.min(remembered.optionIndex, inputs.length - 1)]
      || scope.querySelector(`[data-question-card="${remembered.card}"] [data-new-option]`);
  }
  if (!target) return;
  target.focus();
  if (remembered.caret && typeof target.setSelectionRange === "function") {
    try { target.setSelectionRange(...remembered.caret); } catch { /* not a text box */ }
  }
}

function remember() {
  const active = document.activeElement;
  const row = active?.closest?.(".option-row");
  const card = active?.closest?.("[data-question-card]");
  return {
    id: active && active !== document.body ? active.id : "",
    caret: active && "selectionStart" in active && active.selectionStart !== null
      ? [active.selectionStart, active.selectionEnd] : null,
    card: card?.dataset.questionCard,
    optionIndex: row ? rows(row.parentElement).indexOf(row) : null,
  };
}

async function save(form, submitter, { quiet = false, focusResult = false } = {}) {
  if (!form) return;
  const card = form.matches("[data-question-form]") ? form.closest("[data-question-card]") : null;
  const key = card ? card.id : "editor";
  // one post at a time per question: the next one carries whatever was typed meanwhile
  const previous = inflight.get(key);
  const run = (async () => {
    if (previous) await previous;
    const current = card ? formOf(key) : form;
    if (!current || !current.isConnected) return;
    await send(current, submitter, { quiet, focusResult, later: () => inflight.get(key) !== run });
  })();
  inflight.set(key, run);
  busy(1);
  try { await run; } finally {
    if (inflight.get(key) === run) inflight.delete(key);
    busy(-1);
  }
}

// aria-busy while posts are on their way (and for tests to wait on)
let sending = 0;
function busy(change) {
  sending += change;
  if (sending > 0) root.setAttribute("aria-busy", "true"); else root.removeAttribute("aria-busy");
}

const formOf = (cardId) => document.getElementById(cardId)?.querySelector("[data-question-form]");

async function send(form, submitter, { quiet, focusResult, later }) {
  const card = form.matches("[data-question-form]") ? form.closest("[data-question-card]") : null;
  const region = card || root;
  const sent = typedValues(region);
  const sentForm = String(formBody(form, null));
  const remembered = remember();
  setStatus(card, strings.saving);
  let response;
  let html;
  try {
    response = await fetch(target(form), {
      method: "POST",
      body: formBody(form, submitter),
      credentials: "same-origin",
      headers: { accept: "text/html" },
    });
    html = await response.text();
  } catch {
    setStatus(card, strings.offline);
    announce(strings.offline);
    return;
  }
  if (response.redirected && new URL(response.url).pathname !== window.location.pathname) {
    window.location.assign(response.url);  // another page: the copy of a poll
    return;
  }
  if (card && String(formBody(formOf(card.id), null)) !== sentForm) {
    // changed meanwhile (moved, typed): drawing the answer would undo it; save the newer form
    if (!later()) save(formOf(card.id), null, { quiet: true });
    return;
  }
  const doc = new DOMParser().parseFromString(html, "text/html");
  const fresh = card ? doc.getElementById(card.id) : doc.querySelector("[data-editor]");
  if (!fresh) { window.location.reload(); return; }
  keepTyping(region, sent, fresh);
  if (card) card.replaceWith(document.adoptNode(fresh));
  else root.replaceChildren(...[...fresh.childNodes].map((node) => document.adoptNode(node)));
  const scope = card ? document.getElementById(card.id) : root;
  scope.querySelectorAll("form").forEach(showSettings);
  document.title = doc.title;
  const problem = shown(scope, ".error-summary, .field-error");
  const notice = shown(scope, ".notice");
  if (focusResult && notice) {
    (notice.closest("[tabindex='-1']") || notice).focus();
  } else {
    refocus(scope, remembered);
  }
  if (problem) announce(problem.textContent);
  else if (notice && !quiet) announce(notice.textContent);
  setStatus(card ? scope : null, problem || !quiet ? "" : strings.saved);
}

// ---------------------------------------------------------------- the preview
const previewTimers = new Map();

function refreshPreview(form) {
  const id = form.dataset.questionForm;
  window.clearTimeout(previewTimers.get(id));
  previewTimers.set(id, window.setTimeout(async () => {
    const card = form.closest("[data-question-card]");
    const body = card?.querySelector("[data-preview-body]");
    const error = card?.querySelector("[data-preview-error]");
    if (!body) return;
    let response;
    let html;
    try {
      response = await fetch(form.dataset.previewUrl, {
        method: "POST", body: formBody(form, null), credentials: "same-origin",
      });
      html = await response.text();
    } catch { return; }
    const doc = new DOMParser().parseFromString(html, "text/html");
    if (response.ok) {
      body.replaceChildren(...[...doc.body.childNodes].map((node) => document.adoptNode(node)));
      if (error) { error.hidden = true; error.textContent = ""; }
    } else if (error) {
      error.hidden = false;
      error.textContent = fill(strings.previewFailed, { message: doc.body.textContent.trim() });
    }
  }, 350));
}

// ---------------------------------------------------------------- events
if (root) {
  root.querySelectorAll("form").forEach(showSettings);

  root.addEventListener("submit", (event) => {
    const form = event.target;
    const inEditor = form.matches("[data-question-form], [data-editor-form]") || form.closest(".question-actions");
    if (!inEditor || form.matches("[data-navigates]")) return;
    event.preventDefault();
    const adds = form.closest("#add, #paste, .question-actions") && !target(form).endsWith("/move");
    save(form, event.submitter, { focusResult: Boolean(adds) });
  });

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button || button.disabled) return;
    event.preventDefault();
    const row = button.closest(".option-row");
    if (move(row, Number(button.dataset.move)) && button.disabled) row.querySelector("[data-option-input]").focus();
  });

  root.addEventListener("keydown", (event) => {
    const box = event.target;
    const form = box.closest?.("[data-question-form]");
    if (!form) return;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown") && box.matches("[data-option-input]")) {
      event.preventDefault();
      move(box.closest(".option-row"), event.key === "ArrowUp" ? -1 : 1);
      box.focus();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    const optionsShown = !form.querySelector("[data-setting=options]").hidden;
    if (box.matches("[data-prompt]") && optionsShown) {
      // from the question to its options, as in Slido's and Mentimeter's editors
      event.preventDefault();
      (form.querySelector("[data-option-input]") || form.querySelector("[data-new-option]")).focus();
    } else if (box.matches("[data-prompt]")) {
      event.preventDefault();
      save(form, null);
    } else if (box.matches("[data-option-input]")) {
      // Enter goes to the next option; from the last one, to the new option's box
      event.preventDefault();
      const inputs = [...form.querySelectorAll("[data-option-input]")];
      const next = inputs[inputs.indexOf(box) + 1] || form.querySelector("[data-new-option]");
      next.focus();
    } else if (box.matches("[data-new-option]")) {
      event.preventDefault();
      if (box.value.trim()) save(form, form.querySelector('button[value="add"]'));
    }
  });

  root.addEventListener("input", (event) => {
    const form = event.target.closest?.("[data-question-form]");
    if (!form) return;
    setStatus(form.closest("[data-question-card]"), strings.unsaved);
    refreshPreview(form);
  });

  root.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches("[data-kind-select]")) {
      showSettings(box.form);
      if (box.form.matches("[data-question-form]")) refreshPreview(box.form);
      return;
    }
    // a box left after a change is saved: the new option's box waits for Enter or its button
    const form = box.closest("[data-question-form]");
    if (form && !box.matches("[data-new-option]")) save(form, null, { quiet: true });
  });

  // Dragging an option by its handle, with a mouse, a pen or a finger.
  let dragged = null;
  let start = null;
  root.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest("[data-drag]");
    if (!handle) return;
    dragged = handle.closest(".option-row");
    start = rows(dragged.parentElement).indexOf(dragged);
    dragged.classList.add("dragging");
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  root.addEventListener("pointermove", (event) => {
    if (!dragged) return;
    const over = rows(dragged.parentElement).find((row) => {
      if (row === dragged) return false;
      const box = row.getBoundingClientRect();
      return event.clientY > box.top && event.clientY < box.bottom;
    });
    if (!over) return;
    const box = over.getBoundingClientRect();
    dragged.parentElement.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  const drop = () => {
    if (!dragged) return;
    const row = dragged;
    dragged = null;
    row.classList.remove("dragging");
    if (rows(row.parentElement).indexOf(row) !== start) moved(row);
  };
  root.addEventListener("pointerup", drop);
  root.addEventListener("pointercancel", drop);
}
