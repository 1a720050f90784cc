// The partner map with Leaflet: pins with popups over the configured tiles, or over the
// page's own outline map when no tile server is set. Without this script (or Leaflet)
// the outline map and the list stay as they are.
(function () {
  "use strict";
  var container = document.getElementById("partner-map");
  var dataNode = document.getElementById("partner-data");
  if (!container || !dataNode || typeof L === "undefined") {
    return;
  }
  var partners = JSON.parse(dataNode.textContent);
  var tileUrl = container.dataset.tileUrl;
  var outline = document.getElementById("partner-outline");
  var canvas = document.createElement("div");
  canvas.className = "leaflet-canvas";
  container.appendChild(canvas);
  var map;
  if (tileUrl) {
    map = L.map(canvas, { worldCopyJump: true }).setView([20, 30], 2);
    L.tileLayer(tileUrl, { maxZoom: 12, attribution: container.dataset.tileAttribution || "" }).addTo(map);
  } else {
    // Plate carrée, like the outline: longitude and latitude map straight to x and y.
    map = L.map(canvas, { crs: L.CRS.EPSG4326, maxBounds: [[-75, -200], [100, 200]] }).setView([20, 30], 1);
    var base = outline.cloneNode(true);
    base.removeAttribute("id");
    base.querySelectorAll("a, title").forEach(function (node) { node.remove(); });
    base.setAttribute("preserveAspectRatio", "none");
    L.svgOverlay(base, [[-60, -180], [90, 180]], { interactive: false }).addTo(map);
  }
  outline.style.display = "none";
  map.attributionControl.setPrefix("<a href=\"https://leafletjs.com\">Leaflet</a>");

  function popup(partner) {
    var box = document.createElement("div");
    box.className = "partner-popup";
    // Names, places and descriptions are often in another script than the page: each keeps its own direction.
    var name = document.createElement("strong");
    name.dir = "auto";
    name.textContent = partner.name;
    box.appendChild(name);
    var meta = document.createElement("p");
    var place = partner.city ? partner.city + " (" + partner.country + ")" : partner.country;
    meta.textContent = [partner.affiliate_of, place, partner.languages.join(", ")]
      .filter(Boolean).join(" · ");
    box.appendChild(meta);
    if (partner.description) {
      var description = document.createElement("p");
      description.dir = "auto";
      description.textContent = partner.description;
      box.appendChild(description);
    }
    if (partner.url) {
      var link = document.createElement("a");
      link.href = partner.url;
      link.textContent = container.dataset.editionLabel;
      box.appendChild(link);
    }
    return box;
  }

  var bounds = [];
  partners.forEach(function (partner) {
    if (partner.latitude === null || partner.longitude === null) {
      return;
    }
    var marker = L.marker([partner.latitude, partner.longitude], { title: partner.name, alt: partner.name });
    marker.bindPopup(popup(partner));
    marker.addTo(map);
    bounds.push([partner.latitude, partner.longitude]);
  });
  if (bounds.length) {
    // A zoom cap: partners at one country's centre are one point, and no view is closer than a region.
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 6 });
  }
  container.dataset.ready = "true";
})();
