// The agenda builder: reorder by dragging, by the Move up/down buttons or by Alt+↑/↓ on a
// focused item, without reloading; planned start times and totals follow the new order.
// Without this script every button is a plain form post.
document.documentElement.classList.add("js");

// ---------------------------------------------------------------- the item form
// Speaker fields matter for speakers and introductions, the poll for poll items.
const SHOWN = { speaker: ["speaker", "introduction", "audience"], poll: ["poll"] };
document.querySelectorAll("[data-item-kind]").forEach((select) => {
  const form = select.form;
  const update = () => {
    form.querySelectorAll("[data-kind-fields]").forEach((node) => {
      const invalid = node.querySelector("[aria-invalid]");
      node.hidden = !invalid && !SHOWN[node.dataset.kindFields].includes(select.value);
    });
  };
  select.addEventListener("change", update);
  update();
});

// ---------------------------------------------------------------- reordering
const list = document.querySelector("[data-builder]");
if (list) setupBuilder(list);

function setupBuilder(list) {
  const code = list.dataset.builder;
  const announce = document.querySelector("[data-announce]");
  const labels = list.dataset;
  const items = () => [...list.querySelectorAll(".builder-item")];
  const title = (li) => li.querySelector(".builder-title").textContent;
  const clock = (minutes) => {
    const day = ((minutes % 1440) + 1440) % 1440;
    return `${String(Math.floor(day / 60)).padStart(2, "0")}:${String(day % 60).padStart(2, "0")}`;
  };
  const duration = (minutes) => (minutes >= 60
    ? labels.labelHours.replace("{h}", Math.floor(minutes / 60)).replace("{m}", minutes % 60)
    : labels.labelMinutes.replace("{m}", minutes));
  let saving = Promise.resolve();

  function renumber() {
    const all = items();
    let start = list.dataset.start === "" ? null : Number(list.dataset.start);
    let total = 0;
    all.forEach((li, i) => {
      const minutes = li.dataset.duration === "" ? null : Number(li.dataset.duration);
      li.querySelector(".builder-pos").textContent = String(i + 1);
      li.setAttribute("aria-label", `${title(li)}, ${labels.labelPosition} ${i + 1} ${labels.labelOf} ${all.length}`);
      li.querySelector("[data-item-start]").textContent = start === null ? "–" : clock(start);
      total += minutes || 0;
      li.querySelector("[data-item-total]").textContent = duration(total);
      start = start === null || minutes === null ? null : start + minutes;
      li.querySelector('[data-move="-1"]').hidden = i === 0;
      li.querySelector('[data-move="1"]').hidden = i === all.length - 1;
    });
  }
  function say(li) {
    const all = items();
    if (announce) {
      announce.textContent = `${title(li)}: ${labels.labelPosition} ${all.indexOf(li) + 1} ${labels.labelOf} ${all.length}`;
    }
  }
  function save(li) {
    const position = items().indexOf(li);
    saving = saving.then(() => fetch(`/api/v1/events/${code}/agenda/${li.dataset.item}/move`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ position }),
    })).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      list.dataset.saved = String(Number(list.dataset.saved || 0) + 1);
    }).catch(() => {
      if (announce) announce.textContent = labels.labelFailed;
      let failed = document.querySelector("[data-builder-error]");
      if (!failed) {
        failed = document.createElement("p");
        failed.className = "error";
        failed.setAttribute("role", "alert");
        failed.dataset.builderError = "";
        list.before(failed);
      }
      failed.textContent = labels.labelFailed;
    });
  }
  function move(li, delta) {
    const all = items();
    const to = all.indexOf(li) + delta;
    if (to < 0 || to >= all.length) return false;
    if (delta < 0) list.insertBefore(li, all[to]); else list.insertBefore(li, all[to].nextSibling);
    renumber();
    say(li);
    save(li);
    return true;
  }

  list.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-move-form]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("[data-move]");
    const li = form.closest(".builder-item");
    move(li, Number(button.dataset.move));
    (button.hidden ? li : button).focus();
  });
  list.addEventListener("keydown", (event) => {
    const li = event.target.closest(".builder-item");
    if (!li || event.target !== li || !event.altKey) return;
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      move(li, event.key === "ArrowUp" ? -1 : 1);
      li.focus();
    }
  });

  // Dragging with a pointer (mouse, pen, touch on the position number) keeps the page still.
  let dragged = null;
  let from = -1;
  list.addEventListener("pointerdown", (event) => {
    const li = event.target.closest(".builder-item");
    if (!li || event.target.closest("button, a, input, select, form")) return;
    if (event.pointerType === "touch" && !event.target.closest(".builder-pos")) return;
    dragged = li;
    from = items().indexOf(li);
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
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    renumber();
  });
  const drop = () => {
    if (!dragged) return;
    const li = dragged;
    dragged = null;
    li.classList.remove("dragging");
    if (items().indexOf(li) !== from) {
      say(li);
      save(li);
    }
  };
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);
  list.addEventListener("dragstart", (event) => event.preventDefault());
  renumber();
}
