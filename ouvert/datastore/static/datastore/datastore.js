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

  // Settings live in the page's URL (replaceState, no reload) so that a view can be shared: the
  // table's q, filter, sort, desc and cursor (its page), the chart's chart, group, bucket, agg and
  // value; prefixed "s<sheet>-" for sheets other than the first.
  function urlKey(sheet, name) { return sheet && sheet !== "0" ? "s" + sheet + "-" + name : name; }

  function urlGet(sheet, name) { return new URLSearchParams(window.location.search).getAll(urlKey(sheet, name)); }

  function urlSet(sheet, values) {
    var params = new URLSearchParams(window.location.search);
    Object.keys(values).forEach(function (name) {
      var key = urlKey(sheet, name);
      params.delete(key);
      [].concat(values[name]).forEach(function (v) { if (v !== null && v !== undefined && v !== "") { params.append(key, v); } });
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
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
    this.filters = urlGet(this.sheet, "filter");
    this.q = urlGet(this.sheet, "q")[0] || "";
    this.sort = urlGet(this.sheet, "sort")[0] || null;
    this.desc = urlGet(this.sheet, "desc")[0] === "true";
    var self = this;
    var form = root.querySelector("[data-ds-filters]");
    form.q.value = this.q;
    if (this.filters.length) {
      var parts = this.filters[0].split(":");
      form.column.value = parts[0];
      form.op.value = parts[1] || "eq";
      form.value.value = parts.slice(2).join(":");
    }
    this.markSort();
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
    this.load(urlGet(this.sheet, "cursor")[0] || null);
  }

  Preview.prototype.markSort = function () {
    var self = this;
    this.root.querySelectorAll("th[aria-sort]").forEach(function (th) {
      var b = th.querySelector("[data-sort]");
      th.setAttribute("aria-sort", b.dataset.sort === self.sort ? (self.desc ? "descending" : "ascending") : "none");
    });
  };

  Preview.prototype.toggleSort = function (button) {
    var name = button.dataset.sort;
    if (this.sort === name) { this.desc = !this.desc; } else { this.sort = name; this.desc = false; }
    this.markSort();
    this.load(null);
  };

  Preview.prototype.url = function (cursor) {
    var params = new URLSearchParams({ sheet: this.sheet, limit: "25" });
    if (this.sort) { params.set("sort", this.sort); params.set("desc", this.desc ? "true" : "false"); }
    if (this.q) { params.set("q", this.q); }
    this.filters.forEach(function (f) { params.append("filter", f); });
    if (cursor) { params.set("cursor", cursor); }
    if (this.root.dataset.fields) { params.set("fields", this.root.dataset.fields); }
    return this.api + "/rows?" + params.toString();
  };

  Preview.prototype.load = function (cursor) {
    var self = this;
    var d = this.root.dataset;
    this.status.textContent = d.i18nLoading;
    urlSet(this.sheet, { q: this.q, filter: this.filters, sort: this.sort || "", desc: this.sort && this.desc ? "true" : "",
                         cursor: cursor || "" });
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
    var form = root.querySelector("[data-ds-chart-form]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.draw(event.target);
    });
    // A shared view: the settings from the URL, drawn at once.
    var sheet = root.dataset.sheet || "0";
    var fields = { chart: "kind", group: "group", bucket: "bucket", agg: "agg", value: "value" };
    var given = false;
    Object.keys(fields).forEach(function (name) {
      var value = urlGet(sheet, name)[0];
      var select = form[fields[name]];
      if (value !== undefined && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
        given = given || name === "group" || name === "chart";
      }
    });
    if (given) { this.draw(form); }
  }

  Chart.prototype.draw = function (form) {
    var self = this;
    var params = new URLSearchParams({ sheet: this.root.dataset.sheet || "0", group: form.group.value, agg: form.agg.value, limit: "30" });
    if (form.value.value) { params.set("value", form.value.value); }
    if (form.bucket.value) { params.set("bucket", form.bucket.value); }
    urlSet(this.root.dataset.sheet || "0", { chart: form.kind.value, group: form.group.value, bucket: form.bucket.value,
                                             agg: form.agg.value, value: form.value.value });
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
    var measure = form.agg.options[form.agg.selectedIndex].text + (result.value ? " (" + result.value + ")" : "");
    var category = result.group + (form.bucket.value ? " (" + form.bucket.options[form.bucket.selectedIndex].text + ")" : "");
    var svg;
    // Drawn at the width it is shown at (a phone's 360 px to 640 px), so that 12 px text stays 12 px.
    var shown = Math.round(this.figure.clientWidth || 640);
    var fitted = Math.max(300, Math.min(640, shown));
    function text(x, y, content, attrs) {
      var node = svgEl("text", Object.assign({ x: x, y: y, "font-size": 12, fill: "#222" }, attrs || {}));
      node.textContent = content;
      return node;
    }
    function short(value) {
      var label = formatValue(value);
      return label.length > 16 ? label.slice(0, 15) + "…" : label;
    }
    if (kind === "pie") {
      // The pie and its legend: each slice's colour, category, value and share, always visible.
      var total = rows.reduce(function (s, r) { return s + Math.max(r.value, 0); }, 0) || 1;
      // Wide: the legend beside the pie; narrow (a phone): under it.
      var beside = fitted >= 560;
      var radius = beside ? 140 : Math.min(140, Math.floor((fitted - 20) / 2));
      var cx = beside ? 150 : fitted / 2, cy = radius + 10;
      var legendX = beside ? 320 : 10, legendY = beside ? 0 : 2 * radius + 30;
      var width = beside ? 640 : fitted;
      var height = beside ? Math.max(300, 30 + rows.length * 20) : legendY + 30 + rows.length * 20;
      svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title, class: "ds-svg" });
      var angle = -Math.PI / 2;
      var percentSign = document.documentElement.lang === "fr" ? " %" : "%";  // "25 %" in French, "25%" in English
      var legend = svgEl("g", { class: "ds-legend" });
      legend.appendChild(text(legendX, legendY + 18, category, { "font-weight": 700 }));
      rows.forEach(function (r, i) {
        var slice = Math.max(r.value, 0) / total * Math.PI * 2;
        var x1 = cx + radius * Math.cos(angle), y1 = cy + radius * Math.sin(angle);
        angle += slice;
        var x2 = cx + radius * Math.cos(angle), y2 = cy + radius * Math.sin(angle);
        var colour = PALETTE[i % PALETTE.length];
        var path = svgEl("path", { d: "M" + cx + "," + cy + " L" + x1 + "," + y1 + " A" + radius + "," + radius + " 0 " + (slice > Math.PI ? 1 : 0) + " 1 " + x2 + "," + y2 + " Z", fill: colour, stroke: "#fff" });
        path.appendChild(svgEl("title")).textContent = formatValue(r.key) + " : " + formatValue(r.value);
        svg.appendChild(path);
        var row = legendY + 24 + i * 20;
        legend.appendChild(svgEl("rect", { x: legendX, y: row + 2, width: 12, height: 12, fill: colour, stroke: "#000" }));
        var share = Math.round(Math.max(r.value, 0) / total * 1000) / 10;
        legend.appendChild(text(legendX + 18, row + 13, short(r.key) + " — " + formatValue(r.value) + " (" + formatValue(share) + percentSign + ")"));
      });
      svg.appendChild(legend);
    } else {
      // Axes with their titles: categories along x (every n-th label when crowded), the measure along y.
      var width = fitted, height = 380, left = 72, right = 16, top = 20, bottom = 96;
      svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title, class: "ds-svg" });
      var max = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([0]));
      var min = Math.min.apply(null, rows.map(function (r) { return r.value; }).concat([0]));
      var span = (max - min) || 1;
      var plotH = height - top - bottom;
      var y = function (v) { return top + plotH - (v - min) / span * plotH; };
      var step = (width - left - right) / rows.length;
      svg.appendChild(svgEl("line", { x1: left, y1: top, x2: left, y2: top + plotH, stroke: "#444" }));
      svg.appendChild(svgEl("line", { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: "#444" }));
      for (var t = 0; t <= 4; t++) {
        var v = min + span * t / 4;
        var rounded = Math.abs(span) >= 10 ? Math.round(v) : Math.round(v * 100) / 100;
        svg.appendChild(svgEl("line", { x1: left - 4, y1: y(v), x2: left, y2: y(v), stroke: "#444" }));
        svg.appendChild(text(left - 6, y(v) + 4, formatValue(rounded), { "text-anchor": "end" }));
      }
      if (kind === "line") {
        var points = rows.map(function (r, i) { return (left + step * (i + 0.5)) + "," + y(r.value); }).join(" ");
        svg.appendChild(svgEl("polyline", { points: points, fill: "none", stroke: PALETTE[0], "stroke-width": 2 }));
      }
      var every = Math.ceil(rows.length / Math.max(5, Math.floor((width - left - right) / 36)));  // a label every 36 px
      rows.forEach(function (r, i) {
        var x = left + step * i;
        var mark;
        if (kind === "bar") {
          mark = svgEl("rect", { x: x + step * 0.1, width: step * 0.8, y: Math.min(y(r.value), y(0)), height: Math.abs(y(0) - y(r.value)), fill: PALETTE[0] });
        } else {
          mark = svgEl("circle", { cx: x + step / 2, cy: y(r.value), r: 3, fill: PALETTE[0] });
        }
        mark.appendChild(svgEl("title")).textContent = formatValue(r.key) + " : " + formatValue(r.value);
        svg.appendChild(mark);
        if (i % every === 0) {
          var lx = x + step / 2, ly = top + plotH + 14;
          svg.appendChild(text(lx, ly, short(r.key), { "text-anchor": "end", transform: "rotate(-35 " + lx + " " + ly + ")" }));
        }
      });
      svg.appendChild(text(left + (width - left - right) / 2, height - 6, category, { "text-anchor": "middle", "font-weight": 700, class: "ds-axis-x" }));
      var yTitle = text(14, top + plotH / 2, measure, { "text-anchor": "middle", "font-weight": 700, class: "ds-axis-y",
                                                      transform: "rotate(-90 14 " + (top + plotH / 2) + ")" });
      svg.appendChild(yTitle);
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
