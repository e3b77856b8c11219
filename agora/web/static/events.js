// The events page: a new event's time zone defaults to the browser's, when the person has
// not typed one and the browser's zone is one the form offers.
const field = document.querySelector("[data-time-zone]");
const form = field && field.form;
if (field && form && form.action.endsWith("/events") && !form.querySelector("[aria-invalid]")) {
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { zone = ""; }
  const offered = [...document.querySelectorAll("#time-zones option")].map((o) => o.value);
  if (zone && offered.includes(zone) && field.value === field.defaultValue) field.value = zone;
}
