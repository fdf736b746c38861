// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Filter forms: changing a select submits the form, so one click narrows the list.
  for (const select of document.querySelectorAll("form.filters select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Unit fields: the 2,000 unit names are suggested from one cached list, fetched when a
  // field is first used, instead of every page carrying them.
  for (const list of document.querySelectorAll("datalist[data-src]")) {
    let loaded = false;
    const load = () => {
      if (loaded) return;
      loaded = true;
      fetch(list.dataset.src, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : []))
        .then((names) => {
          const options = names.map((name) => {
            const option = document.createElement("option");
            option.value = name;
            return option;
          });
          list.replaceChildren(...options);
        })
        .catch(() => {});
    };
    for (const input of document.querySelectorAll(`input[list="${list.id}"]`)) {
      input.addEventListener("focus", load, { once: true });
    }
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
