/* The atlas's actors on the map (Leaflet and supercluster, plain ES5; served by the app's static
 * serving, inlined into a standalone export). Called by mapping/maps.py through mapping/foliumx:
 *
 *   actorLayer(map, {data, clusterRadius, maxClusterZoom, radius, weight, dash}) -> layer
 *
 * data is mapping.maps.actor_payload (rows [lat, lon, kind index, id, name, city index, "theme
 * indices"], labels once; every text HTML-escaped in Python). Actors are canvas circle markers
 * built here, clustered by supercluster (a k-d tree index: 50,000 points in a fraction of a second,
 * where Leaflet.markercluster needs seconds); only what is in view is drawn, again on every move.
 * A clicked actor carries feature.properties.id, so streamlit-folium reports which actor it was
 * (last_active_drawing); cluster icons sit in a plain layer group, so clicking one zooms in without
 * reporting anything. Actors sharing one place are spread in a circle when their cluster cannot be
 * split by zooming. clusterRadius 0 draws every actor on its own. */
(function () {
    "use strict";

    function actorLayer(map, o) {
        var p = o.data, clusterRadius = o.clusterRadius, MAX_CLUSTER_ZOOM = o.maxClusterZoom;
        function actorMarker(r, at) {
            var k = p.kinds[r[2]] || p.other;
            var mk = L.circleMarker(at || [r[0], r[1]], {radius: o.radius, color: "#ffffff",
                weight: o.weight, fillColor: k.colour, fillOpacity: 0.9, dashArray: o.dash});
            mk.feature = {type: "Feature", properties: {id: r[3]}};
            mk.bindTooltip("<span dir='auto'>" + r[4] + "</span>");
            mk.bindPopup(function () {
                var themes = r[6] ? r[6].split(".").map(function (t) { return p.themes[+t]; }).join(", ") : "";
                return "<div class='atlas-popup'><b dir='auto'>" + r[4] + "</b><br>" + k.label +
                    (r[5] >= 0 ? " · " + p.cities[r[5]] : "") + (themes ? "<br><small>" + themes + "</small>" : "") +
                    "</div>"; });
            return mk;
        }
        var index = null;
        if (clusterRadius > 0) {
            var features = new Array(p.rows.length);
            for (var i = 0; i < p.rows.length; i++) {
                features[i] = {type: "Feature", properties: {i: i},
                               geometry: {type: "Point", coordinates: [p.rows[i][1], p.rows[i][0]]}};
            }
            index = new Supercluster({radius: clusterRadius, maxZoom: MAX_CLUSTER_ZOOM, minPoints: 2});
            index.load(features);
        }
        var ActorLayer = L.Layer.extend({
            onAdd: function (map) {
                this._points = L.featureGroup().addTo(map);    // actors: a click selects
                this._clusters = L.layerGroup().addTo(map);    // cluster icons: a click zooms
                this._spider = L.featureGroup().addTo(map);    // actors spread around one place
                this._legs = L.layerGroup().addTo(map);
                map.on("moveend", this._update, this);
                map.on("zoomstart", this._unspider, this);
                this._update();
                // Benchmarks and tests wait on this count of actor layers drawn.
                window.atlasDrawn = (window.atlasDrawn || 0) + 1;
            },
            onRemove: function (map) {
                map.off("moveend", this._update, this);
                map.off("zoomstart", this._unspider, this);
                [this._points, this._clusters, this._spider, this._legs].forEach(function (g) { map.removeLayer(g); });
            },
            _update: function () {
                var map = this._map, self = this;
                this._points.clearLayers();
                this._clusters.clearLayers();
                if (!index) {
                    p.rows.forEach(function (r) { self._points.addLayer(actorMarker(r)); });
                    return;
                }
                var b = map.getBounds().pad(0.25);
                index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
                                  Math.min(Math.round(map.getZoom()), MAX_CLUSTER_ZOOM + 1)).forEach(function (c) {
                    var at = [c.geometry.coordinates[1], c.geometry.coordinates[0]];
                    if (!c.properties.cluster) {
                        self._points.addLayer(actorMarker(p.rows[c.properties.i]));
                        return;
                    }
                    if (c.properties.cluster_id === self._spidered) { return; }
                    var n = c.properties.point_count;
                    var icon = L.divIcon({html: "<div><span>" + c.properties.point_count_abbreviated + "</span></div>",
                        className: "marker-cluster marker-cluster-" + (n < 10 ? "small" : n < 100 ? "medium" : "large"),
                        iconSize: L.point(40, 40)});
                    var m = L.marker(at, {icon: icon, title: String(n)});
                    m.on("click", function () {
                        var z = index.getClusterExpansionZoom(c.properties.cluster_id);
                        if (z > MAX_CLUSTER_ZOOM && map.getZoom() >= MAX_CLUSTER_ZOOM - 2) { self._spiderfy(c, at); }
                        else { map.setView(at, Math.min(z, map.getMaxZoom())); }
                    });
                    self._clusters.addLayer(m);
                });
            },
            _spiderfy: function (c, at) {
                var map = this._map, self = this;
                this._unspider();
                var leaves = index.getLeaves(c.properties.cluster_id, Infinity);
                var centre = map.latLngToLayerPoint(at);
                var reach = Math.max(28, leaves.length * 4);
                leaves.forEach(function (leaf, j) {
                    var angle = 2 * Math.PI * j / leaves.length;
                    var spot = map.layerPointToLatLng(centre.add(L.point(Math.cos(angle) * reach, Math.sin(angle) * reach)));
                    self._legs.addLayer(L.polyline([at, spot], {color: "#444", weight: 1, interactive: false}));
                    self._spider.addLayer(actorMarker(p.rows[leaf.properties.i], spot));
                });
                this._spidered = c.properties.cluster_id;
                this._update();
            },
            _unspider: function () {
                this._spider.clearLayers();
                this._legs.clearLayers();
                this._spidered = null;
            }
        });
        return new ActorLayer();
    }

    window.AtlasMap = window.AtlasMap || {};
    window.AtlasMap.actorLayer = actorLayer;
})();
