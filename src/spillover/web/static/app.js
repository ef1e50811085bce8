/* spillover pages: group type-ahead, charts (vega-embed, served by this app), report requests.
   Everything talks to this server only. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* ---- type-ahead search over every dataset's names -------------------------------------------- */
  function setupTypeahead(input) {
    const list = document.getElementById(input.dataset.typeahead);
    const pick = input.dataset.pick === "true";
    let items = [];
    let active = -1;

    function close() { list.hidden = true; active = -1; }
    function choose(hit) {
      if (pick) { addToCompare(hit); input.value = ""; close(); return; }
      window.location.href = "/groups/" + encodeURIComponent(hit.group_id);
    }
    function highlight(index) {
      const rows = list.querySelectorAll("li");
      rows.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
    }
    function render(hits) {
      items = hits.filter((h) => h.group_id);
      list.replaceChildren();
      items.forEach((hit, i) => {
        const li = element("li", { role: "option", "data-group": hit.group_id });
        const link = element("a", { href: "/groups/" + encodeURIComponent(hit.group_id) }, hit.name);
        li.appendChild(link);
        const where = hit.matched !== hit.name ? `“${hit.matched}” (${hit.dataset}) · ` : "";
        li.appendChild(element("span", { class: "hint" }, `${where}${hit.kind || ""} · ${hit.events} events`));
        li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(hit); });
        li.addEventListener("mouseenter", () => highlight(i));
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      active = -1;
    }
    const lookup = debounce(async () => {
      const q = input.value.trim();
      if (!q) { close(); return; }
      try {
        const response = await fetch("/api/groups?limit=10&q=" + encodeURIComponent(q));
        if (!response.ok) return;
        const body = await response.json();
        if (input.value.trim() === q) render(body.results);
      } catch (err) { close(); }
    }, 120);

    input.addEventListener("input", lookup);
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("keydown", (ev) => {
      if (list.hidden || !items.length) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight((active + 1) % items.length); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(items[active]); }
      else if (ev.key === "Escape") { close(); }
    });
  }

  /* ---- compare: chosen groups as chips ------------------------------------------------------------ */
  function compareIds() {
    const field = document.querySelector("[data-compare-ids]");
    return field && field.value ? field.value.split(",").filter(Boolean) : [];
  }
  function setCompareIds(ids) {
    const field = document.querySelector("[data-compare-ids]");
    if (field) field.value = ids.join(",");
  }
  function addToCompare(hit) {
    const ids = compareIds();
    if (ids.includes(hit.group_id) || ids.length >= 6) return;
    setCompareIds(ids.concat([hit.group_id]));
    const chip = element("span", { class: "chip", "data-id": hit.group_id }, hit.name);
    document.querySelector("[data-compare-chosen]").appendChild(chip);
  }
  document.addEventListener("click", (ev) => {
    const chip = ev.target.closest && ev.target.closest(".chip");
    if (!chip) return;
    setCompareIds(compareIds().filter((id) => id !== chip.dataset.id));
    chip.remove();
  });

  /* ---- charts --------------------------------------------------------------------------------------- */
  function drawCharts(root) {
    const charts = (root || document).querySelectorAll("[data-chart]");
    if (!charts.length) return;
    if (typeof window.vegaEmbed !== "function") {
      charts.forEach((el) => { el.textContent = "Charts need /static/vega-bundle.js, which did not load."; });
      return;
    }
    charts.forEach((el) => {
      window.vegaEmbed(el, el.dataset.chart, { actions: false, renderer: "svg" })
        .then(() => el.classList.add("drawn"))
        .catch((err) => { el.textContent = "The chart could not be drawn: " + err; el.classList.add("failed"); });
    });
  }

  /* ---- sections computed after the page shows ------------------------------------------------- */
  function loadFragments() {
    document.querySelectorAll("[data-fragment]").forEach(async (el) => {
      try {
        const response = await fetch(el.dataset.fragment);
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        el.innerHTML = await response.text(); /* rendered and escaped by the server's templates */
        el.removeAttribute("data-fragment");
        el.classList.add("loaded");
        drawCharts(el);
      } catch (err) {
        el.textContent = "This section could not be loaded: " + err.message;
        el.classList.add("failed");
      }
    });
  }

  /* ---- reports: start, poll, offer the download ------------------------------------------------- */
  async function reportStatus(url, options) {
    const response = await fetch(url, options);
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.statusText);
    return body;
  }
  function showReport(format, status) {
    const label = document.querySelector(`[data-report-status="${format}"]`);
    const link = document.querySelector(`[data-report-download="${format}"]`);
    if (label) label.textContent = status.message;
    if (link && status.download_url) { link.href = status.download_url; link.hidden = false; }
  }
  function setupReportButton(button) {
    button.addEventListener("click", async () => {
      const group = button.dataset.report;
      const format = button.dataset.format;
      const query = new URLSearchParams({ format: format });
      for (const name of ["view", "since", "until"]) {
        if (button.dataset[name]) query.set(name, button.dataset[name]);  // the page's view and dates
      }
      const base = "/api/groups/" + encodeURIComponent(group) + "/report?" + query.toString();
      button.disabled = true;
      try {
        let status = await reportStatus(base, { method: "POST" });
        showReport(format, status);
        while (status.status === "queued" || status.status === "running") {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          status = await reportStatus(status.status_url);
          showReport(format, status);
        }
      } catch (err) {
        showReport(format, { message: "The report could not be made: " + err.message });
      } finally {
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll("[data-typeahead]").forEach(setupTypeahead);
  document.querySelectorAll("[data-report]").forEach(setupReportButton);
  drawCharts();
  loadFragments();
})();
