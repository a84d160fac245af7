/* Ouvert — the offline basemap. With no tile server configured, maps draw a light base of Québec's
   administrative regions shipped with the package (BDGA 1:1,000,000 boundaries: see ouvert/geo/basemap.py)
   under the data; it is never interactive nor focusable. Used by map.js and search.js. */
(function () {
  "use strict";
  window.OuvertOfflineBase = function (map, config) {
    if (!config.offlineBasemapUrl || typeof fetch === "undefined") return;
    if (map.attributionControl) map.attributionControl.addAttribution(config.offlineBasemapAttribution || "");
    fetch(config.offlineBasemapUrl).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      var base = L.geoJSON(data, { interactive: false, style: function () {
        return { color: "#8a8a8a", weight: 1, fillColor: "#f2efe6", fillOpacity: 0.6 };
      } }).addTo(map);
      base.bringToBack();
    }).catch(function () { /* the map still shows the data and the table */ });
  };
})();
