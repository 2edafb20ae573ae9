/* "Share this view" and "Add this view to a tour" read the address the browser shows, not the one
 * the server last wrote: the map writes its pans and zooms (?view=) and layers (?hide=) into the
 * address itself, without a rerun, so only the browser knows them.
 * data: {mode: "share" | "add", label, copied}. In "add" mode a click sends the address's query
 * string to Python as the trigger value "add". */
export default function (component) {
    const { parentElement, data, setTriggerValue } = component;
    const root = parentElement.querySelector(".atlas-share") || document.createElement("div");
    root.className = "atlas-share";
    root.replaceChildren();
    if (!root.isConnected) { parentElement.appendChild(root); }
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = data.label;
    if (data.mode === "add") {
        button.addEventListener("click", () => setTriggerValue("add", window.location.search));
        root.appendChild(button);
        return;
    }
    const field = document.createElement("input");
    field.readOnly = true;
    field.setAttribute("aria-label", data.label);
    const refresh = () => { field.value = window.location.href; };
    refresh();
    field.addEventListener("focus", () => { refresh(); field.select(); });
    button.addEventListener("click", () => {
        refresh();
        field.select();
        const done = () => { button.textContent = data.copied; setTimeout(() => { button.textContent = data.label; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(field.value).then(done, () => { document.execCommand("copy"); done(); });
        } else { document.execCommand("copy"); done(); }
    });
    // The map changes the address without telling anyone: read it again while the box is shown.
    const timer = setInterval(() => { if (!root.isConnected) { clearInterval(timer); } else if (document.activeElement !== field) { refresh(); } }, 1000);
    root.append(field, button);
}
