// Copy buttons: a button with data-copy="ID" copies the value of the field with that id.
// The buttons stay hidden without JavaScript; the field is read-only and can be copied by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!(field instanceof HTMLInputElement)) continue;
  button.hidden = false;
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch {
      // no clipboard access (a page served over plain HTTP): select the text to copy by hand
      field.focus();
      field.select();
    }
    if (status) status.textContent = copied ? button.dataset.copied : button.dataset.notCopied;
  });
}
