/* Ouvert — the offline basemap. With no tile server configured, maps draw a light base shipped with
   the package (the SDA's boundaries: see ouvert/geo/basemap.py): Québec's administrative regions,
   swapped for its MRC once zoomed in (config.offlineBasemapMrcZoom), fetched only then. It lies under
   the data and is never interactive nor focusable. Used by map.js and search.js. */
(function () {
  "use strict";
  var STYLE = { color: "#8a8a8a", weight: 1, fillColor: "#f2efe6", fillOpacity: 0.6 };

  function load(url) {
    return fetch(url).then(function (response) { return response.ok ? response.json() : null; });
  }

  window.OuvertOfflineBase = function (map, config) {
    if (!config.offlineBasemapUrl || typeof fetch === "undefined") return;
    if (map.attributionControl) map.attributionControl.addAttribution(config.offlineBasemapAttribution || "");
    var regions = null, mrc = null, mrcRequested = false;
    var mrcZoom = config.offlineBasemapMrcZoom || 99;

    function layer(data) {
      return L.geoJSON(data, { interactive: false, style: function () { return STYLE; } });
    }
    function show(wanted, other) {
      if (other && map.hasLayer(other)) map.removeLayer(other);
      if (wanted && !map.hasLayer(wanted)) { wanted.addTo(map); wanted.bringToBack(); }
    }
    function update() {
      var close = map.getZoom() >= mrcZoom;
      if (close && !mrc && !mrcRequested && config.offlineBasemapMrcUrl) {
        mrcRequested = true;
        load(config.offlineBasemapMrcUrl).then(function (data) {
          if (data) { mrc = layer(data); update(); }
        }).catch(function () { /* the regions stay */ });
      }
      if (close && mrc) show(mrc, regions); else show(regions, mrc);
    }
    load(config.offlineBasemapUrl).then(function (data) {
      if (!data) return;
      regions = layer(data);
      map.on("zoomend", update);
      map.whenReady(update);
    }).catch(function () { /* the map still shows the data and the table */ });
  };
})();
