// The agenda on every page: what is happening now; on the screen, which pane to show.
import { choosePane, on } from "./live.js";

function showNow(view) {
  if (!view) return;
  const now = view.current;
  document.querySelectorAll("[data-now-title]").forEach((node) => {
    node.textContent = now ? now.title : node.dataset.idle || node.textContent;
  });
  document.querySelectorAll("[data-now-speaker]").forEach((node) => {
    const who = now ? [now.speaker_name, now.speaker_organisation].filter(Boolean).join(", ") : "";
    node.textContent = who;
    node.hidden = !who;
  });
  document.querySelectorAll("[data-agenda-item]").forEach((node) => {
    node.classList.toggle("is-now", Boolean(now) && node.dataset.agendaItem === String(now.id));
  });
  document.body.dataset.agendaPane = view.screen_pane || "poll";
  document.body.dataset.agendaPoll = now && now.poll_id ? String(now.poll_id) : "";
  choosePane();
  document.dispatchEvent(new CustomEvent("agora:agenda", { detail: view }));
}

on("agenda", showNow);
on("snapshot", (data) => showNow(data.sections && data.sections.agenda));
