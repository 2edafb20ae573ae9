/* The atlas's map background and choropleth (Leaflet only, plain ES5; served by the app's static
 * serving, inlined into a standalone export). Called by mapping/maps.py through mapping/foliumx:
 *  - outlines(map, {countries, regions, land, border}): land and region lines from the shipped
 *    geometry, drawn under everything and not clickable; returns the geometry so the choropleth
 *    reuses it (it travels once per page);
 *  - regionLayer(map, outlines, {figures, aliases, land}): regions filled by class colour
 *    (figures: region code -> [name, country, count, fill or null]), a tooltip with the three,
 *    a click reporting feature.properties.region_code to streamlit-folium. Returns the layer. */
(function () {
    "use strict";

    function outlines(map, o) {
        L.geoJSON(o.countries, {interactive: false,
            style: {fillColor: o.land, fillOpacity: 1, color: o.border, weight: 1.5}
        }).addTo(map);
        L.geoJSON(o.regions, {interactive: false,
            style: {fill: false, color: o.border, weight: 0.6, dashArray: "3 3"}
        }).addTo(map);
        return {countries: o.countries, regions: o.regions};
    }

    function regionLayer(map, outlines, o) {
        var figures = o.figures, aliases = o.aliases;
        var group = L.geoJSON(outlines.regions, {
            style: function (f) {
                var fill = (figures[f.properties.region_code] || [])[3];
                return {fillColor: fill || o.land, fillOpacity: fill ? 0.75 : 0, color: "#5b6770", weight: 0.8};
            },
            onEachFeature: function (f, layer) {
                var q = figures[f.properties.region_code] || ["", "", 0, null];
                layer.feature = {type: "Feature", geometry: f.geometry,
                                 properties: {region_code: f.properties.region_code, n: q[2]}};
                // Every text was escaped in Python, so it may be inserted as HTML.
                layer.bindTooltip("<table>" + [0, 1, 2].map(function (j) {
                    return "<tr><th style='text-align:left;padding-right:8px'>" + aliases[j] +
                           "</th><td>" + q[j] + "</td></tr>"; }).join("") + "</table>", {sticky: true});
                layer.on("mouseover", function () { layer.setStyle({weight: 2.5, color: "#111111"}); });
                layer.on("mouseout", function () { group.resetStyle(layer); });
            }
        });
        return group;
    }

    window.AtlasMap = window.AtlasMap || {};
    window.AtlasMap.outlines = outlines;
    window.AtlasMap.regionLayer = regionLayer;
})();
