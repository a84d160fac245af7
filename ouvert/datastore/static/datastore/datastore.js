/* Ouvert datastore previews: an accessible data table and a chart builder. No dependencies. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)); }
        return body;
      });
    });
  }

  function formatValue(value) {
    if (value === null || value === undefined) { return ""; }
    if (value === true) { return document.documentElement.lang === "en" ? "true" : "vrai"; }
    if (value === false) { return document.documentElement.lang === "en" ? "false" : "faux"; }
    if (typeof value === "number") { return value.toLocaleString(document.documentElement.lang || "fr"); }
    return String(value);
  }

  function Preview(root) {
    this.root = root;
    this.api = root.dataset.api;
    this.sheet = root.dataset.sheet || "0";
    this.body = root.querySelector("[data-ds-body]");
    this.status = root.querySelector("[data-ds-status]");
    this.columns = Array.prototype.map.call(root.querySelectorAll("[data-sort]"), function (b) { return b.dataset.sort; });
    this.sort = null;
    this.desc = false;
    this.cursor = null;
    this.filters = [];
    this.q = "";
    var self = this;
    root.querySelectorAll("[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () { self.toggleSort(button); });
    });
    root.querySelector("[data-ds-filters]").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      self.q = form.q.value.trim();
      self.filters = [];
      if (form.column.value) {
        var op = form.op.value;
        self.filters.push(form.column.value + ":" + op + (op === "null" || op === "notnull" ? "" : ":" + form.value.value));
      }
      self.load(null);
    });
    root.querySelector("[data-ds-next]").addEventListener("click", function () { if (self.cursor) { self.load(self.cursor); } });
    root.querySelector("[data-ds-first]").addEventListener("click", function () { self.load(null); });
    this.load(null);
  }

  Preview.prototype.toggleSort = function (button) {
    var name = button.dataset.sort;
    if (this.sort === name) { this.desc = !this.desc; } else { this.sort = name; this.desc = false; }
    var self = this;
    this.root.querySelectorAll("th[aria-sort]").forEach(function (th) {
      var b = th.querySelector("[data-sort]");
      th.setAttribute("aria-sort", b.dataset.sort === self.sort ? (self.desc ? "descending" : "ascending") : "none");
    });
    this.load(null);
  };

  Preview.prototype.url = function (cursor) {
    var params = new URLSearchParams({ sheet: this.sheet, limit: "25" });
    if (this.sort) { params.set("sort", this.sort); params.set("desc", this.desc ? "true" : "false"); }
    if (this.q) { params.set("q", this.q); }
    this.filters.forEach(function (f) { params.append("filter", f); });
    if (cursor) { params.set("cursor", cursor); }
    return this.api + "/rows?" + params.toString();
  };

  Preview.prototype.load = function (cursor) {
    var self = this;
    var d = this.root.dataset;
    this.status.textContent = d.i18nLoading;
    fetchJson(this.url(cursor)).then(function (page) {
      self.cursor = page.next_cursor;
      self.body.textContent = "";
      page.records.forEach(function (record) {
        var tr = el("tr");
        self.columns.forEach(function (name) {
          var td = el("td", {}, formatValue(record[name]));
          if (typeof record[name] === "number") { td.className = "ds-num"; }
          tr.appendChild(td);
        });
        self.body.appendChild(tr);
      });
      self.status.textContent = page.records.length ? (page.count === null ? "" : formatValue(page.count) + " " + (page.count === 1 ? d.i18nRow : d.i18nRows)) : d.i18nEmpty;
      self.root.querySelector("[data-ds-next]").disabled = !page.next_cursor;
    }).catch(function (error) { self.status.textContent = d.i18nError + " " + error.message; });
  };

  var PALETTE = ["#1f5fa8", "#b3541e", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e00", "#ad1457", "#37474f"];

  function Chart(root) {
    this.root = root;
    this.figure = root.querySelector("[data-ds-figure]");
    this.status = root.querySelector("[data-ds-chart-status]");
    var self = this;
    root.querySelector("[data-ds-chart-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      self.draw(event.target);
    });
  }

  Chart.prototype.draw = function (form) {
    var self = this;
    var params = new URLSearchParams({ sheet: this.root.dataset.sheet || "0", group: form.group.value, agg: form.agg.value, limit: "30" });
    if (form.value.value) { params.set("value", form.value.value); }
    if (form.bucket.value) { params.set("bucket", form.bucket.value); }
    fetchJson(this.root.dataset.api + "/aggregate?" + params.toString()).then(function (result) {
      self.render(form.kind.value, result, form);
    }).catch(function (error) { self.status.textContent = error.message; });
  };

  Chart.prototype.render = function (kind, result, form) {
    var d = this.root.dataset;
    var rows = result.rows.filter(function (r) { return typeof r.value === "number"; });
    this.figure.textContent = "";
    if (!rows.length) { this.status.textContent = d.i18nEmpty; return; }
    this.status.textContent = "";
    var title = form.agg.options[form.agg.selectedIndex].text + (result.value ? " (" + result.value + ")" : "") + " — " + result.group;
    var width = 640, height = 320, pad = 40;
    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title, class: "ds-svg" });
    var max = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([0]));
    var min = Math.min.apply(null, rows.map(function (r) { return r.value; }).concat([0]));
    var span = (max - min) || 1;
    function y(v) { return height - pad - (v - min) / span * (height - 2 * pad); }
    if (kind === "pie") {
      var total = rows.reduce(function (s, r) { return s + Math.max(r.value, 0); }, 0) || 1;
      var angle = -Math.PI / 2, cx = width / 2, cy = height / 2, radius = height / 2 - 10;
      rows.forEach(function (r, i) {
        var slice = Math.max(r.value, 0) / total * Math.PI * 2;
        var x1 = cx + radius * Math.cos(angle), y1 = cy + radius * Math.sin(angle);
        angle += slice;
        var x2 = cx + radius * Math.cos(angle), y2 = cy + radius * Math.sin(angle);
        var path = svgEl("path", { d: "M" + cx + "," + cy + " L" + x1 + "," + y1 + " A" + radius + "," + radius + " 0 " + (slice > Math.PI ? 1 : 0) + " 1 " + x2 + "," + y2 + " Z", fill: PALETTE[i % PALETTE.length], stroke: "#fff" });
        path.appendChild(svgEl("title")).textContent = formatValue(r.key) + " : " + formatValue(r.value);
        svg.appendChild(path);
      });
    } else {
      var step = (width - 2 * pad) / rows.length;
      svg.appendChild(svgEl("line", { x1: pad, y1: y(0), x2: width - pad, y2: y(0), stroke: "#444" }));
      if (kind === "line") {
        var points = rows.map(function (r, i) { return (pad + step * (i + 0.5)) + "," + y(r.value); }).join(" ");
        svg.appendChild(svgEl("polyline", { points: points, fill: "none", stroke: PALETTE[0], "stroke-width": 2 }));
      }
      rows.forEach(function (r, i) {
        var x = pad + step * i;
        if (kind === "bar") {
          var rect = svgEl("rect", { x: x + step * 0.1, width: step * 0.8, y: Math.min(y(r.value), y(0)), height: Math.abs(y(0) - y(r.value)), fill: PALETTE[0] });
          rect.appendChild(svgEl("title")).textContent = formatValue(r.key) + " : " + formatValue(r.value);
          svg.appendChild(rect);
        } else {
          var dot = svgEl("circle", { cx: x + step / 2, cy: y(r.value), r: 3, fill: PALETTE[0] });
          dot.appendChild(svgEl("title")).textContent = formatValue(r.key) + " : " + formatValue(r.value);
          svg.appendChild(dot);
        }
      });
      var top = svgEl("text", { x: 4, y: pad - 8, "font-size": 12 });
      top.textContent = formatValue(max);
      svg.appendChild(top);
    }
    this.figure.appendChild(svg);
    var caption = el("figcaption", {}, title);
    this.figure.appendChild(caption);
    // The same numbers as a table: the accessible alternative to the picture.
    var details = el("details");
    details.appendChild(el("summary", {}, title));
    var table = el("table", { class: "ds-table" });
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, d.i18nCategory));
    head.appendChild(el("th", { scope: "col" }, d.i18nValue));
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (r, i) {
      var tr = el("tr");
      var th = el("th", { scope: "row" }, formatValue(r.key));
      if (kind === "pie") {
        // the colour through the CSSOM: the Content-Security-Policy refuses inline style attributes
        var swatch = el("span", { class: "ds-swatch", "aria-hidden": "true" });
        swatch.style.background = PALETTE[i % PALETTE.length];
        th.prepend(swatch);
      }
      tr.appendChild(th);
      tr.appendChild(el("td", { class: "ds-num" }, formatValue(r.value)));
      body.appendChild(tr);
    });
    details.appendChild(table);
    this.figure.appendChild(details);
  };

  document.querySelectorAll("[data-ds-preview]").forEach(function (root) { new Preview(root); });
  document.querySelectorAll("[data-ds-chart]").forEach(function (root) { new Chart(root); });
})();
