// Readiness probe for the demo, the e2e tests and process supervisors.
export const loader = () => new Response("ok", { headers: { "Content-Type": "text/plain" } });
