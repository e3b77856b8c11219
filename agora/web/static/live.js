// Shared by the three live pages: the event stream and the result charts.
// Every text that came from a person is inserted with textContent, never as HTML.

const DEFAULT_STRINGS = {
  ballot: "ballot", ballots: "ballots", answer: "answer", answers: "answers", mean: "mean", median: "median",
  word: "Word", count: "Count", points: "points", reconnecting: "Connection lost, reconnecting…",
};

export function readJSON(id, fallback) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try { return JSON.parse(node.textContent); } catch { return fallback; }
}

export const strings = { ...DEFAULT_STRINGS, ...readJSON("strings", {}) };

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

// Singular or plural by the page language's rules (full plural forms come with the catalogues).
const plural = new Intl.PluralRules(document.documentElement.lang || "en");
const count = (n, one, many) => `${n} ${plural.select(n) === "one" ? strings[one] : strings[many]}`;
const pct = (x) => `${Math.round(x * 100)} %`;
const fixed = (x, digits) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));

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

export function renderResult(container, result) {
  if (!container || !result) return;
  container.querySelector(":scope > .result")?.remove();  // the server's plain table
  container.dataset.kind = result.kind;
  if (result.kind === "ranking") {
    meta(container, `${result.method_label} · ${count(result.ballots, "ballot", "ballots")}`);
    const max = Math.max(0, ...result.options.map((o) => o.score));
    bars(container, result.options.map((o) => ({
      key: o.id, label: o.label, rank: o.rank, value: o.score, figure: fixed(o.score, 2),
    })), max);
  } else if (result.kind === "single_choice" || result.kind === "multiple_choice") {
    meta(container, `${count(result.voters, "answer", "answers")}`);
    const max = Math.max(0, ...result.options.map((o) => o.count));
    bars(container, result.options.map((o) => ({
      key: o.id, label: o.label, value: o.count, figure: `${o.count} · ${pct(o.share)}`,
    })), max);
  } else if (result.kind === "rating") {
    meta(container, `${count(result.voters, "answer", "answers")} · ${strings.mean} ${fixed(result.mean, 2)} · ${strings.median} ${fixed(result.median, 1)}`);
    const max = Math.max(0, ...result.distribution.map((d) => d.count));
    bars(container, result.distribution.map((d) => ({
      key: String(d.value), label: String(d.value), value: d.count, figure: String(d.count),
    })), max);
  } else if (result.kind === "points") {
    meta(container, `${count(result.voters, "answer", "answers")}`);
    const max = Math.max(0, ...result.options.map((o) => o.total));
    bars(container, result.options.map((o) => ({
      key: o.id, label: o.label, value: o.total, figure: `${o.total} · ${strings.mean} ${fixed(o.mean, 1)}`,
    })), max);
  } else if (result.kind === "word_cloud") {
    meta(container, `${count(result.voters, "answer", "answers")}`);
    container.querySelector(":scope > .cloud")?.remove();
    container.querySelector(":scope > table")?.remove();
    const cloud = el("p", "cloud");
    const top = result.words.length ? result.words[0].count : 1;
    for (const w of result.words.slice(0, 60)) {
      const word = el("span", "cloud-word", w.word);
      word.style.fontSize = `${1 + 2.5 * (w.count / top)}em`;
      cloud.append(word, document.createTextNode(" "));
    }
    const table = el("table", "frequencies");
    const head = el("tr");
    head.append(el("th", "", strings.word), el("th", "", strings.count));
    head.querySelectorAll("th").forEach((th) => th.setAttribute("scope", "col"));
    const thead = el("thead"); thead.append(head);
    const body = el("tbody");
    for (const w of result.words) {
      const tr = el("tr"); tr.append(el("td", "", w.word), el("td", "", w.count)); body.append(tr);
    }
    table.append(thead, body);
    container.append(cloud, table);
  } else if (result.kind === "open_text") {
    meta(container, `${count(result.voters, "answer", "answers")}`);
    let list = container.querySelector(":scope > ul.cards");
    if (!list) { list = el("ul", "cards"); container.append(list); }
    // answers only grow in order: append the new ones, keep the cards already shown
    const shown = list.children.length;
    if (shown > result.answers.length) list.replaceChildren();
    for (const a of result.answers.slice(list.children.length)) list.append(el("li", "answer-card", a.text));
  }
}

export function renderAll(results) {
  for (const [id, result] of Object.entries(results || {})) {
    document.querySelectorAll(`[data-chart][data-question="${id}"], [data-result-live="${id}"]`)
      .forEach((node) => renderResult(node, result));
  }
}
