/* The Network page's graph: ECharts (static/vendor/echarts, no CDN) drawn in the app's page as a
 * Streamlit component (st.components.v2), because st.echarts_chart reports clicks but not the
 * user's pans and zooms, which a shared link or a tour step must keep.
 * data: {spec, lib, height, alt, param}
 *  - spec: the ECharts option (mapping/graph.py chart_spec); drawn again only when it changes, so a
 *    run of the page that leaves the picture as it was keeps the user's view;
 *  - a click on a node sends its index in the spec's data as the trigger value "node";
 *  - the view the user chose (wheel, drag, keys) is written into the page's address as
 *    ?<param>=x,y,zoom (the centre in the spec's coordinates), without a rerun, as the map does with
 *    ?view=: "Share this view" and "Add this view to a tour" read the address, and the page reads it
 *    on its next run so a redraw opens where the user left it;
 *  - keyboard, once the picture has the focus: + and - zoom, the arrows pan, 0 shows the whole graph. */
const WRITE_AFTER_MS = 250;  // a wheel turn is many events: the address is written once they stop

function loadECharts(src) {
    if (window.echarts) { return Promise.resolve(window.echarts); }
    if (!window.atlasEChartsLoading) {
        window.atlasEChartsLoading = new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = src;
            script.async = true;
            script.onload = () => resolve(window.echarts);
            script.onerror = () => { window.atlasEChartsLoading = null; reject(new Error("ECharts did not load")); };
            document.head.appendChild(script);
        });
    }
    return window.atlasEChartsLoading;
}

function writeParam(name, value) {
    const u = new URL(window.location.href);
    if (value === null) { u.searchParams.delete(name); } else { u.searchParams.set(name, value); }
    if (u.toString() !== window.location.href) { window.history.replaceState(window.history.state, "", u.toString()); }
}

function viewOf(chart) {
    const series = (chart.getOption().series || [])[0] || {};
    const zoom = Number(series.zoom || 1), centre = series.center;
    if (!Array.isArray(centre) || typeof centre[0] !== "number") { return null; }
    return { x: centre[0], y: centre[1], zoom };
}

function viewText(v) {
    return v.x.toFixed(1) + "," + v.y.toFixed(1) + "," + v.zoom.toFixed(2);
}

function draw(chart, root, spec) {
    // In the app's own typeface, as st.echarts_chart drew it.
    const option = Object.assign({}, spec);
    option.textStyle = Object.assign({ fontFamily: getComputedStyle(root).fontFamily }, spec.textStyle);
    chart.setOption(option, { notMerge: true });
}

export default async function (component) {
    const { parentElement, data } = component;
    let root = parentElement.querySelector(".atlas-network");
    if (!root) {
        root = document.createElement("div");
        root.className = "atlas-network";
        root.tabIndex = 0;
        root.setAttribute("role", "img");
        parentElement.appendChild(root);
    }
    root.style.height = data.height + "px";
    root.setAttribute("aria-label", data.alt);
    // The latest run's callbacks and parameter name (the listeners below are attached once).
    root.atlas = { send: component.setTriggerValue, param: data.param };
    const echarts = await loadECharts(data.lib);
    let chart = echarts.getInstanceByDom(root);
    if (!chart) {
        chart = echarts.init(root, null, { renderer: "canvas" });
        chart.on("click", (p) => {
            if (p.dataType === "node") { root.atlas.send("node", p.dataIndex); }
        });
        let timer = null;
        chart.on("graphRoam", () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
                const v = viewOf(chart);
                if (v && root.atlas.param) { writeParam(root.atlas.param, viewText(v)); }
            }, WRITE_AFTER_MS);
        });
        root.addEventListener("keydown", (e) => {
            const step = { "+": [0, 0, 1.25], "=": [0, 0, 1.25], "-": [0, 0, 0.8],
                           ArrowLeft: [60, 0, 1], ArrowRight: [-60, 0, 1], ArrowUp: [0, 60, 1], ArrowDown: [0, -60, 1] }[e.key];
            if (e.key === "0") {  // the page's option without its saved view: the whole graph
                e.preventDefault();
                const whole = JSON.parse(root.atlasSpec);
                delete whole.series[0].zoom;
                delete whole.series[0].center;
                draw(chart, root, whole);
                if (root.atlas.param) { writeParam(root.atlas.param, null); }
                return;
            }
            if (!step) { return; }
            e.preventDefault();
            const [dx, dy, zoom] = step, w = chart.getWidth(), h = chart.getHeight();
            chart.dispatchAction(zoom !== 1 ? { type: "graphRoam", seriesIndex: 0, zoom, originX: w / 2, originY: h / 2 }
                                            : { type: "graphRoam", seriesIndex: 0, dx, dy });
        });
        // Drawn and settled (no animation under way): what a test waits for before it clicks.
        chart.on("finished", () => { root.dataset.settled = root.dataset.drawn; });
        new ResizeObserver(() => chart.resize()).observe(root);
    }
    const text = JSON.stringify(data.spec);
    if (text !== root.atlasSpec) {
        root.atlasSpec = text;
        root.dataset.drawn = String(Number(root.dataset.drawn || 0) + 1);
        draw(chart, root, data.spec);
    }
    return () => { if (!root.isConnected) { chart.dispose(); } };
}
