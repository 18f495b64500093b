// The staff console's copy buttons: a button with `data-copy` copies the
// value of the field it names. Without JavaScript the buttons stay hidden
// and the link is plain selectable text.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch {
      field.select();
    }
  });
}
