/* The atlas's own behaviour for the maps of the Map page (Leaflet only, plain ES5; served by the
 * app's static serving, inlined into a standalone export):
 *  - keepView: write the user's pans and zooms into the page's address (?view=lat,lon,zoom) and
 *    layers switched off (?hide=), and keep the view when the page redraws the map (a filter
 *    changed) until the page asks for another one (Fit to selection, Reset, a link, a tour step);
 *  - highlight: a ring around the selected actor, drawn above the clusters. */
(function () {
    "use strict";

    // A press on the map focuses it (for its keyboard controls). Leaflet 1.9 focuses with the
    // browser's default scrolling: when the map's frame is not wholly in view (a laptop screen,
    // presenter mode), the page scrolls between the press and the release, the map moves under the
    // pointer and the click lands beside the actor that was aimed at. Focus without scrolling.
    if (L.Map.Keyboard) {
        L.Map.Keyboard.prototype._onMouseDown = function () {
            if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
        };
    }

    // The page around the map's frame, when there is one (a standalone file has none).
    function page() {
        try { return window.parent.location.href ? window.parent : null; } catch (e) { return null; }
    }

    function writeParams(changes) {
        var w = page();
        if (!w) { return; }
        var u = new URL(w.location.href);
        Object.keys(changes).forEach(function (k) {
            if (changes[k] === null) { u.searchParams.delete(k); } else { u.searchParams.set(k, changes[k]); }
        });
        w.history.replaceState(w.history.state, "", u.toString());
    }

    function storage() {
        try { var w = page(); return w ? w.sessionStorage : null; } catch (e) { return null; }
    }

    var VIEW_KEY = "atlas.map.view";

    function viewText(map) {
        var c = map.getCenter();
        return c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + Math.round(map.getZoom());
    }

    /* o: {param, hideParam, layers: {label: key}, hidden: [keys], generation: "token"} */
    function keepView(map, o) {
        var store = storage();
        // Only moves the user makes count (a drag, the wheel, a key, the zoom buttons), not the
        // initial fit or a resize.
        var touched = false;
        ["mousedown", "wheel", "touchstart", "keydown", "dblclick"].forEach(function (name) {
            map.getContainer().addEventListener(name, function () { touched = true; }, {passive: true});
        });
        // The same generation: the page redrew the map without asking for another view, so it
        // opens where the user left it. The frame applies the map's initial view once more after
        // this script has run (at a moment of its own): for a few seconds, until the user moves the
        // map, any move that is not the user's goes back to the kept view.
        var saved = null;
        if (store && o.generation) {
            try { saved = JSON.parse(store.getItem(VIEW_KEY) || "null"); } catch (e) { saved = null; }
            if (!saved || saved.generation !== o.generation) { saved = null; }
        }
        if (saved) {
            var kept = L.latLng(saved.lat, saved.lng), until = Date.now() + 4000;
            var restore = function () {
                if (touched || Date.now() > until) { map.off("moveend", restore); return; }
                if (Math.abs(map.getZoom() - saved.zoom) > 0.01 || map.getCenter().distanceTo(kept) > 50) {
                    map.setView(kept, saved.zoom, {animate: false});
                }
            };
            map.setView(kept, saved.zoom, {animate: false});
            map.on("moveend", restore);
            window.atlasRestored = (window.atlasRestored || 0) + 1;
            if (o.param) { var c = {}; c[o.param] = viewText(map); writeParams(c); }
        }
        map.on("moveend", function () {
            if (!touched) { return; }
            if (o.param) { var c = {}; c[o.param] = viewText(map); writeParams(c); }
            if (store && o.generation) {
                var at = map.getCenter();
                try {
                    store.setItem(VIEW_KEY, JSON.stringify({generation: o.generation, lat: at.lat, lng: at.lng,
                                                            zoom: map.getZoom()}));
                } catch (e) { /* full or refused */ }
            }
        });
        // Layers switched off in the layer control: ?hide=regions,links...
        var layers = o.layers || {}, hidden = new Set(o.hidden || []);
        function keyOf(name) {
            for (var label in layers) { if (name.indexOf(label) === 0) { return layers[label]; } }
            return null;
        }
        function remember(e, off) {
            var key = keyOf(e.name);
            if (!key || !o.hideParam) { return; }
            if (off) { hidden.add(key); } else { hidden.delete(key); }
            var c = {};
            c[o.hideParam] = hidden.size ? Array.from(hidden).sort().join(",") : null;
            writeParams(c);
        }
        map.on("overlayremove", function (e) { remember(e, true); });
        map.on("overlayadd", function (e) { remember(e, false); });
    }

    /* A black ring inside a yellow halo around the selected actor, above the markers and clusters
       (so it shows even when the actor sits inside a cluster); not clickable. */
    /* o: {at: [lat, lon], radius} */
    function highlight(map, o) {
        var at = o.at, radius = o.radius;
        var pane = map.getPane("atlasSelected") || map.createPane("atlasSelected");
        pane.style.zIndex = 650;
        pane.style.pointerEvents = "none";
        var options = {pane: "atlasSelected", interactive: false, fill: false};
        var group = L.layerGroup([
            L.circleMarker(at, L.extend({radius: radius + 9, color: "#ffd400", weight: 5, opacity: 0.95}, options)),
            L.circleMarker(at, L.extend({radius: radius + 5, color: "#000000", weight: 3, className: "atlas-selected"},
                                        options))
        ]).addTo(map);
        window.atlasSelected = at;
        return group;
    }

    window.AtlasMap = window.AtlasMap || {};
    window.AtlasMap.keepView = keepView;
    window.AtlasMap.highlight = highlight;
})();
