// Shared by the three live pages: the event stream and the result charts.
// Every text that came from a person is inserted with textContent, never as HTML.

const DEFAULT_STRINGS = { reconnecting: "Connection lost, reconnecting…", words: {} };

export function readJSON(id, fallback) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try { return JSON.parse(node.textContent); } catch { return fallback; }
}

export const strings = { ...DEFAULT_STRINGS, ...readJSON("strings", {}) };

// Keyboard shortcuts never fire while someone types: in a text field, a list box or any
// editable text (a radio button or a checkbox is not typing).
const NOT_TYPING = new Set(["button", "checkbox", "radio", "reset", "submit", "image", "file", "color", "range"]);
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest("textarea, select, [contenteditable]:not([contenteditable=false])")) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target instanceof HTMLInputElement && !NOT_TYPING.has(target.type);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// One event stream per page; every module of the page registers what it listens to.
const handlers = new Map();
let source = null;

function listen(name) {
  source.addEventListener(name, (event) => {
    const data = JSON.parse(event.data);
    for (const handler of handlers.get(name) || []) handler(data, event);
  });
}

export function on(name, handler) {
  if (!handlers.has(name)) {
    handlers.set(name, []);
    if (source) listen(name);
  }
  handlers.get(name).push(handler);
}

// Open the stream; the browser resends Last-Event-ID by itself when it reconnects.
export function start(url) {
  if (source) return source;
  const status = document.querySelector("[data-connection]");
  source = new EventSource(url);
  source.onopen = () => { if (status) { status.hidden = true; status.textContent = ""; } };
  source.onerror = () => {
    if (status) { status.hidden = false; status.textContent = strings.reconnecting; }
  };
  for (const name of handlers.keys()) listen(name);
  return source;
}

// The screen shows one pane: the floor while someone speaks, else what the agenda asks for.
export function choosePane() {
  const panes = document.querySelectorAll("[data-pane]");
  if (!panes.length) return;
  const pane = document.body.dataset.floorSpeaking === "1"
    ? "floor" : document.body.dataset.agendaPane || "poll";
  panes.forEach((node) => { node.hidden = node.dataset.pane !== pane; });
}

export function connect(url, named) {
  for (const [name, handler] of Object.entries(named)) on(name, handler);
  return start(url);
}

// A count's words: the server sends a message's forms by CLDR plural category
// (agora.core.i18n.plural_forms: {"one": "%(num)s vote", "few": …, "other": …}) and the
// page picks one with the rules of its <html lang> ("pt-PT": 0 is plural; "hr" and "ro":
// three forms). A plain string is used for every count.
const pluralRules = new Map();

export function pluralCategory(n, lang = document.documentElement.lang || "en") {
  if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(lang));
  return pluralRules.get(lang).select(n);
}

export function countText(forms, n, lang) {
  const words = forms && typeof forms === "object"
    ? forms[pluralCategory(n, lang)] ?? forms.other ?? Object.values(forms)[0]
    : forms;
  return String(words ?? "").replace(/%\((num|n|count)\)s|\{(num|n|count)\}/g, String(n));
}

// Results arrive as neutral tables (agora/polls/kinds/table.py) whose words are message
// ids: the page sends their translations in strings.words; a word that depends on a count
// has its forms by plural category (countText).

function word(msgid) {
  const entry = strings.words[msgid];
  return typeof entry === "string" ? entry : msgid;
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)s|\{(\w+)\}/g, (match, a, b) => {
    const name = a || b;
    return values && name in values ? say(values[name]) : match;
  });
}

function cell(value, format) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (format === "share") return `${Math.round(value * 100)} %`;
  if (format === "score") return value.toFixed(2);
  if (format === "mean") return value.toFixed(1);
  return String(value);
}

// A table's text in words: a phrase, a count ("3 ballots") or a figure ("mean 2.50").
export function say(text) {
  if (text === null || text === undefined) return "";
  if (typeof text !== "object") return String(text);
  if ("number" in text) {
    const forms = strings.words[text.singular];
    const words = forms && typeof forms === "object"
      ? countText(forms, text.number)
      : (text.number === 1 ? text.singular : text.plural);
    return fill(words, { num: text.number, count: text.number });
  }
  if ("format" in text) return `${word(text.label)} ${cell(text.value, text.format)}`;
  return fill(text.translate === false ? text.text : word(text.text), text.values);
}

// Bars keyed by id, so a new result moves existing bars instead of redrawing (no flicker).
function bars(container, rows, max) {
  let list = container.querySelector(":scope > ol.bars");
  if (!list) { list = el("ol", "bars"); container.append(list); }
  const existing = new Map([...list.children].map((li) => [li.dataset.key, li]));
  const wanted = new Set(rows.map((r) => r.key));
  for (const [key, li] of existing) if (!wanted.has(key)) li.remove();
  rows.forEach((row, index) => {
    let li = existing.get(row.key);
    if (!li) {
      li = el("li", "bar-row");
      li.dataset.key = row.key;
      li.append(el("span", "bar-rank"), el("span", "bar-label"), el("span", "bar-figure"));
      const track = el("span", "bar-track");
      track.append(el("span", "bar-fill"));
      li.append(track);
    }
    li.querySelector(".bar-rank").textContent = row.rank ?? "";
    li.querySelector(".bar-label").textContent = row.label;
    li.querySelector(".bar-figure").textContent = row.figure;
    li.querySelector(".bar-fill").style.width = `${max > 0 ? Math.max(0, (row.value / max) * 100) : 0}%`;
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
}

function meta(container, text) {
  let node = container.querySelector(":scope > .result-meta");
  if (!node) { node = el("p", "result-meta"); container.prepend(node); }
  node.textContent = text;
}

// What the score means (a ranking method), in one sentence under the chart.
function note(container, text) {
  let node = container.querySelector(":scope > .result-note");
  if (!text) { node?.remove(); return; }
  if (!node) node = el("p", "result-note");
  container.append(node);  // always last, under what was drawn
  node.textContent = text;
}

// What is printed beside a bar: "2 · 67 %", "60 · mean 2.5".
function figure(table, row, at) {
  return table.figure.map((key, i) => {
    const column = table.columns[at(key)];
    const text = cell(row.cells[at(key)], column.format);
    return i > 0 && column.prefix ? `${word(column.prefix)} ${text}` : text;
  }).join(" · ");
}

// Draw a result table by its chart shape; the renderer never asks which kind it is.
export function renderResult(container, table) {
  if (!container || !table) return;
  container.querySelector(":scope > .result")?.remove();  // the server's plain table
  container.dataset.kind = table.kind;
  meta(container, table.summary.map(say).join(" · "));
  const at = (key) => table.columns.findIndex((c) => c.key === key);
  const label = (row) => String(row.cells[at(table.label)]);
  const value = (row) => Number(row.cells[at(table.value)]) || 0;
  if (table.chart === "cloud") {
    container.querySelector(":scope > .cloud")?.remove();
    container.querySelector(":scope > table")?.remove();
    const cloud = el("p", "cloud");
    const top = table.rows.length ? value(table.rows[0]) || 1 : 1;
    for (const row of table.rows.slice(0, 60)) {
      const shown = el("span", "cloud-word", label(row));
      shown.style.fontSize = `${1 + 2.5 * (value(row) / top)}em`;
      cloud.append(shown, document.createTextNode(" "));
    }
    const frequencies = el("table", "frequencies");
    const head = el("tr");
    for (const column of table.columns) {
      const th = el("th", "", say(column.header));
      th.setAttribute("scope", "col");
      head.append(th);
    }
    const thead = el("thead"); thead.append(head);
    const body = el("tbody");
    for (const row of table.rows) {
      const tr = el("tr");
      row.cells.forEach((c, i) => tr.append(el("td", "", cell(c, table.columns[i].format))));
      body.append(tr);
    }
    frequencies.append(thead, body);
    container.append(cloud, frequencies);
  } else if (table.chart === "cards") {
    let list = container.querySelector(":scope > ul.cards");
    if (!list) { list = el("ul", "cards"); container.append(list); }
    // answers only grow in order: append the new ones, keep the cards already shown
    if (list.children.length > table.rows.length) list.replaceChildren();
    for (const row of table.rows.slice(list.children.length)) list.append(el("li", "answer-card", label(row)));
  } else {  // bars and columns: one bar per row
    const rank = table.ranked ? at("rank") : -1;
    bars(container, table.rows.map((row) => ({
      key: row.key, label: label(row), rank: rank >= 0 ? row.cells[rank] : null,
      value: value(row), figure: figure(table, row, at),
    })), Math.max(0, ...table.rows.map(value)));
  }
  note(container, table.explanation ? say(table.explanation) : "");
}

export function renderAll(tables) {
  for (const [id, table] of Object.entries(tables || {})) {
    document.querySelectorAll(`[data-chart][data-question="${id}"], [data-result-live="${id}"]`)
      .forEach((node) => renderResult(node, table));
  }
}
