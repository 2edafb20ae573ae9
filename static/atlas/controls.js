/* The atlas's map controls (Leaflet only, plain ES5; served by the app's static serving, inlined
 * into a standalone export). Called by mapping/maps.py through mapping/foliumx.Call:
 *  - legend(map, {html, position}): a legend box (HTML built and escaped in Python);
 *  - snapshot(map, {caption, title, sea}): a "PNG" button drawing what is on screen (outlines,
 *    regions, actors, clusters, legend) into an image with the caption, in the browser, offline. */
(function () {
    "use strict";

    function legend(map, o) {
        var control = L.control({position: o.position});
        control.onAdd = function () {
            var div = L.DomUtil.create("div", "atlas-legend");
            div.innerHTML = o.html;
            // Opening the legend must not click or drag the map under it.
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        return control.addTo(map);
    }

    function snapshot(map, o) {
        var control = L.control({position: "topleft"});
        control.onAdd = function () {
            var button = L.DomUtil.create("a", "atlas-snapshot leaflet-bar");
            button.href = "#"; button.title = o.title; button.textContent = "PNG";
            button.style.cssText = "width:auto;padding:0 6px;font:bold 12px/30px sans-serif;background:#fff;" +
                                   "display:block;text-align:center;color:#222";
            L.DomEvent.on(button, "click", function (e) {
                L.DomEvent.stop(e);
                html2canvas(map.getContainer(), {backgroundColor: o.sea, logging: false,
                    ignoreElements: function (el) { return el.classList && (el.classList.contains("atlas-snapshot") ||
                        el.classList.contains("leaflet-control-zoom") || el.classList.contains("leaflet-control-layers")); }
                }).then(function (canvas) {
                    // The caption is drawn with fillText: never parsed as HTML.
                    var ctx = canvas.getContext("2d"), text = o.caption, h = 26 * (window.devicePixelRatio || 1);
                    ctx.font = Math.round(h * 0.55) + "px sans-serif";
                    ctx.fillStyle = "rgba(255,255,255,0.9)";
                    ctx.fillRect(0, canvas.height - h, ctx.measureText(text).width + h, h);
                    ctx.fillStyle = "#111"; ctx.fillText(text, h / 2, canvas.height - h * 0.3);
                    var link = document.createElement("a");
                    link.download = "atlas-map.png"; link.href = canvas.toDataURL("image/png");
                    document.body.appendChild(link); link.click(); link.remove();
                    window.atlasSnapshots = (window.atlasSnapshots || 0) + 1;
                });
            });
            return button;
        };
        return control.addTo(map);
    }

    window.AtlasMap = window.AtlasMap || {};
    window.AtlasMap.legend = legend;
    window.AtlasMap.snapshot = snapshot;
})();
