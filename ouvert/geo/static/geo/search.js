/* Ouvert — spatial search: keep the map, the four coordinate fields and the ext_bbox text in
   step; "use the map's extent" fills them from the map. Works without the map (typed values). */
(function () {
  "use strict";
  function start() {
    var config = JSON.parse(document.getElementById("geo-search-config").textContent);
    var textField = document.getElementById("geo-bbox-text");
    var parts = Array.prototype.slice.call(document.querySelectorAll("[data-bbox-part]"));
    function setBox(values) {
      var rounded = values.map(function (v) { return Number(v).toFixed(4); });
      parts.forEach(function (input, i) { input.value = rounded[i]; });
      textField.value = rounded.join(",");
    }
    parts.forEach(function (input) {
      input.addEventListener("input", function () {
        textField.value = parts.map(function (p) { return p.value; }).join(",");
      });
    });
    textField.addEventListener("input", function () {
      textField.value.split(",").forEach(function (v, i) { if (parts[i]) parts[i].value = v.trim(); });
    });
    if (textField.value) textField.dispatchEvent(new Event("input"));
    if (typeof L === "undefined") return;
    var b = config.bbox;
    var map = L.map("geo-search-map", { keyboard: true });
    if (config.basemapUrl) L.tileLayer(config.basemapUrl, { attribution: config.basemapAttribution || "" }).addTo(map);
    else {
      document.getElementById("geo-search-map").classList.add("geo-no-basemap");
      if (window.OuvertOfflineBase) window.OuvertOfflineBase(map, config);
    }
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    // Without a basemap, the published layers' extents give the map its bearings.
    (config.coverages || []).forEach(function (item) {
      var c = item[1];
      L.rectangle([[c[1], c[0]], [c[3], c[2]]], { color: "#555", weight: 1, dashArray: "4 3", fillOpacity: 0.08 })
        .bindTooltip(item[0]).addTo(map);
    });
    var outline = null;
    function drawOutline(values) {
      if (outline) map.removeLayer(outline);
      outline = L.rectangle([[values[1], values[0]], [values[3], values[2]]], { color: "#1d4ed8", weight: 2, fill: false }).addTo(map);
    }
    var initial = textField.value.split(",").map(Number);
    if (initial.length === 4 && initial.every(function (v) { return !isNaN(v); })) drawOutline(initial);
    document.getElementById("geo-use-extent").addEventListener("click", function () {
      var bounds = map.getBounds();
      var values = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
      setBox(values);
      drawOutline(values);
    });
    map.on("boxzoomend", function (event) {
      var bb = event.boxZoomBounds;
      var values = [bb.getWest(), bb.getSouth(), bb.getEast(), bb.getNorth()];
      setBox(values);
      drawOutline(values);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
