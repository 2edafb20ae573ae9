/* Hands the sign-in over to the browser's cookie jar: after signing in, the page gets a short-lived
 * handoff token and posts it to the app's /_atlas/session route, which answers with the HttpOnly
 * session cookie (page scripts never see it); signing out asks the route to clear it.
 * data: {action: "start" | "end", token}. */
export default function (component) {
    const { data, setTriggerValue } = component;
    const request = data.action === "start"
        ? {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({handoff: data.token})}
        : {method: "DELETE"};
    fetch("/_atlas/session", Object.assign({credentials: "same-origin"}, request))
        .then((r) => setTriggerValue("done", r.ok ? data.action : "failed"))
        .catch(() => setTriggerValue("done", "failed"));
}
