/* Hands the sign-in over to the browser's cookie jar: after signing in, the page gets a short-lived
 * handoff token and posts it to the app's /_atlas/session route, which answers with the HttpOnly
 * session cookie (page scripts never see it); signing out asks the route to clear it.
 * data: {action: "start" | "end", token}.
 * It reports nothing back: a rerun on its answer raced the user's next click (a page link
 * clicked just after signing in was undone by that rerun, which ran the page the form was on). */
export default function (component) {
    const { data } = component;
    const request = data.action === "start"
        ? {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({handoff: data.token})}
        : {method: "DELETE"};
    // A failed handoff leaves this tab signed in; only a reload would ask again.
    fetch("/_atlas/session", Object.assign({credentials: "same-origin"}, request)).catch(() => {});
}
