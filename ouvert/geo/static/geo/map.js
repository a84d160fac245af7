/* Ouvert — map preview (Leaflet). Configuration comes from a JSON script next to each map:
   the simplified-features URL, the layer's extent and zoom, the basemap URL (optional), the
   numeric fields offered for a choropleth. Without a basemap the map still shows the layer. */
(function () {
  "use strict";

  var TYPE_STYLE = {
    Point: { color: "#1b4f72", fillColor: "#2e86c1", label: "Point" },
    Line: { color: "#a04000", fillColor: "#a04000", label: "LineString" },
    Polygon: { color: "#145a32", fillColor: "#52be80", label: "Polygon" }
  };
  // Sequential, colour-blind-safe palette (light to dark); classes are also written as ranges.
  var CLASSES = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];

  // Numbers as the page's language writes them (3 000 in French, 3,000 in English), never the browser's.
  function number(value) { return Number(value).toLocaleString(document.documentElement.lang || "fr"); }

  function family(type) {
    if (!type) return "Polygon";
    if (type.indexOf("Point") >= 0) return "Point";
    if (type.indexOf("Line") >= 0) return "Line";
    return "Polygon";
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function quantiles(values, n) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var i = 1; i < n; i++) breaks.push(sorted[Math.floor((i * sorted.length) / n)]);
    return breaks;
  }

  function setup(container) {
    var config = JSON.parse(document.getElementById(container.dataset.geoMap).textContent);
    var text = JSON.parse(document.getElementById(container.dataset.geoMap + "-i18n").textContent);
    var section = container.closest(".geo-preview");
    var status = section.querySelector("[data-geo-status]");
    var legend = section.querySelector("[data-geo-legend]");
    if (typeof L === "undefined") { status.textContent = text.nolib; return; }

    var bounds = L.latLngBounds([config.bbox[1], config.bbox[0]], [config.bbox[3], config.bbox[2]]);
    var map = L.map(container, { preferCanvas: true, keyboard: true, zoomSnap: 1, attributionControl: true });
    if (config.basemapUrl) {
      L.tileLayer(config.basemapUrl, { attribution: config.basemapAttribution || "", maxZoom: 19 }).addTo(map);
    } else {
      container.classList.add("geo-no-basemap");
      if (window.OuvertOfflineBase) window.OuvertOfflineBase(map, config);
    }
    map.fitBounds(bounds, { padding: [12, 12] });
    var layer = null, data = null, choropleth = "", breaks = [], byId = {}, loadedKey = "";

    function colourFor(value) {
      if (value === null || value === undefined || value === "" || isNaN(Number(value))) return "#bdbdbd";
      var i = 0;
      while (i < breaks.length && Number(value) > breaks[i]) i++;
      return CLASSES[i];
    }

    function style(feature) {
      var kind = feature.drawn_as_point || (feature.geometry && feature.geometry.type);
      var base = TYPE_STYLE[family(kind)];
      var fill = choropleth ? colourFor(feature.properties[choropleth]) : base.fillColor;
      // Lines and polygons too small for this zoom arrive as points: drawn as dots, not markers.
      var dot = Boolean(feature.drawn_as_point);
      return { color: choropleth ? "#333" : base.color, weight: dot ? 1 : family(kind) === "Line" ? 3 : 1.2,
               fillColor: fill, fillOpacity: dot ? 0.9 : choropleth ? 0.85 : 0.45, radius: dot ? 1.5 : 4 };
    }

    function popup(feature) {
      var rows = Object.keys(feature.properties).map(function (key) {
        var value = feature.properties[key];
        return "<tr><th scope=\"row\">" + escapeHtml(key) + "</th><td>" +
          (value === null || value === "" ? "—" : escapeHtml(value)) + "</td></tr>";
      }).join("");
      return "<table class=\"geo-popup\"><caption>" + escapeHtml(text.feature + " " + feature.id) +
        "</caption><tbody>" + rows + "</tbody></table>";
    }

    // Colours through the CSSOM, not an inline style attribute: the Content-Security-Policy (style-src 'self')
    // refuses inline style attributes, not properties set from a script file.
    function swatch(className, border, fill) {
      var span = document.createElement("span");
      span.className = className;
      span.setAttribute("aria-hidden", "true");
      if (border) span.style.borderColor = border;
      if (fill) span.style.background = fill;
      return span;
    }

    function drawLegend() {
      legend.innerHTML = "";
      if (choropleth && data) {
        var values = data.features.map(function (f) { return f.properties[choropleth]; });
        var labels = [];
        var low = Math.min.apply(null, values.filter(function (v) { return v !== null && v !== "" && !isNaN(Number(v)); }).map(Number));
        for (var i = 0; i <= breaks.length; i++) {
          var from = i === 0 ? low : breaks[i - 1];
          var to = i < breaks.length ? breaks[i] : Math.max.apply(null, values.filter(function (v) { return v !== null && v !== "" && !isNaN(Number(v)); }).map(Number));
          labels.push([CLASSES[i], format(text.range, { field: choropleth, low: number(from), high: number(to) })]);
        }
        labels.push(["#bdbdbd", format(text.noValueFor, { field: choropleth })]);
        labels.forEach(function (item) {
          var li = document.createElement("li");
          li.appendChild(swatch("geo-swatch geo-swatch-fill", null, item[0]));
          li.appendChild(document.createTextNode(item[1]));
          legend.appendChild(li);
        });
        return;
      }
      var seen = {};
      (config.geometryTypes || []).forEach(function (type) {
        var fam = family(type);
        if (seen[fam]) return;
        seen[fam] = true;
        var li = document.createElement("li");
        li.appendChild(swatch("geo-swatch geo-swatch-" + fam.toLowerCase(), TYPE_STYLE[fam].color,
                              TYPE_STYLE[fam].fillColor));
        li.appendChild(document.createTextNode(text[TYPE_STYLE[fam].label] || fam));
        legend.appendChild(li);
      });
    }

    function render(collection) {
      data = collection;
      if (layer) map.removeLayer(layer);
      byId = {};
      var meta = collection.ouvert || {};
      if (choropleth) {
        var values = collection.features.map(function (f) { return f.properties[choropleth]; })
          .filter(function (v) { return v !== null && v !== undefined && v !== "" && !isNaN(Number(v)); })
          .map(Number);
        breaks = values.length ? quantiles(values, CLASSES.length) : [];
      }
      layer = L.geoJSON(collection, {
        style: style,
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, style(feature)); },
        onEachFeature: function (feature, item) {
          byId[feature.id] = item;
          var complete = meta.properties === "all" || meta.window;
          item.bindPopup(function () {
            if (complete) return popup(feature);
            // Large layers' overviews carry no attributes: fetch this feature's when its popup opens.
            fetch(config.featuresUrl + "/" + feature.id)
              .then(function (r) { return r.json(); })
              .then(function (detail) {
                complete = true;
                feature.properties = detail.properties;
                item.setPopupContent(popup(feature));
              });
            return escapeHtml(text.loading);
          });
        }
      }).addTo(map);
      status.textContent = format(meta.returned === 0 ? text.shownZero || text.shown : meta.returned === 1 ? text.shownOne : text.shown, { returned: number(meta.returned || 0), total: number(meta.total || 0) });
      drawLegend();
    }

    function load() {
      var zoom = map.getZoom();
      var url = config.featuresUrl + "?zoom=" + zoom;
      if (zoom > config.fitZoom + 1) {
        var b = map.getBounds();
        url += "&bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
          return Math.max(-180, Math.min(180, v)).toFixed(5); }).join(",");
      }
      if (choropleth) url += "&field=" + encodeURIComponent(choropleth);
      if (url === loadedKey) return;
      loadedKey = url;
      container.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (collection) { if (url === loadedKey) render(collection); })
        .catch(function () { status.textContent = text.failed; })
        .finally(function () { container.removeAttribute("aria-busy"); });
    }

    map.on("moveend", load);
    load();

    section.querySelectorAll("[data-geo-action=extent]").forEach(function (button) {
      button.addEventListener("click", function () { map.fitBounds(bounds, { padding: [12, 12] }); container.focus(); });
    });
    section.querySelectorAll("[data-geo-action=choropleth]").forEach(function (select) {
      select.addEventListener("change", function () {
        choropleth = select.value;
        var carried = data && data.ouvert ? data.ouvert.properties : "all";
        if (!choropleth || carried === "all" || (data.ouvert && data.ouvert.window)) { if (data) render(data); }
        else load();  // overview without attributes: ask for this column
      });
    });
    section.querySelectorAll("[data-geo-show]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = Number(button.dataset.geoShow);
        var item = byId[id];
        container.scrollIntoView({ block: "center" });
        container.focus();
        if (item) {
          if (item.getBounds) map.fitBounds(item.getBounds(), { maxZoom: Math.max(map.getZoom(), config.fitZoom + 1) });
          else map.setView(item.getLatLng(), Math.max(map.getZoom(), config.fitZoom + 1));
          item.openPopup();
        }
      });
    });
    container._ouvertMap = map;
  }

  function start() {
    document.querySelectorAll("[data-geo-map]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
