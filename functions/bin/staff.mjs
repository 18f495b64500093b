// The staff console's API for scripting (see functions/bin/staff for
// usage). Every command but `sign-in` is a request to /api/staff/* with the
// saved session: the same handlers, checks and audit log as the console.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const site = (process.env.SITE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const sessionFile = process.env.STAFF_SESSION_FILE;
const fail = (message) => { console.error(`staff: ${message}`); process.exit(1); };

const [action, ...rest] = process.argv.slice(2);
const options = {};
const positional = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i].startsWith("--")) options[rest[i].slice(2)] = rest[++i] ?? fail(`${rest[i]} needs a value`);
  else positional.push(rest[i]);
}

const session = () => {
  try {
    return JSON.parse(readFileSync(sessionFile, "utf8"));
  } catch {
    return fail(`not signed in: run \`functions/bin/staff sign-in LINK\` with an invitation link first`);
  }
};

// A request as the console's pages make it: the session cookie, the
// portal's own Origin and, for a post, the session's CSRF token.
const call = async (method, path, body) => {
  const s = session();
  const headers = { Accept: "application/json", Cookie: `__Host-lead_clt=${s.token}`, Origin: site };
  if (method === "POST") { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = s.csrf; }
  const response = await fetch(`${site}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined, redirect: "manual" });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { const e = JSON.parse(text); message = [e.message, ...(e.errors ?? []).map((p) => `${p.field}: ${p.message}`)].join(" "); } catch { /* text */ }
    fail(`${response.status} ${message}`);
  }
  return text;
};
const show = (text) => { try { console.log(JSON.stringify(JSON.parse(text), null, 2)); } catch { process.stdout.write(text); } };
const save = (text) => {
  if (options.output) { writeFileSync(options.output, text); console.error(`wrote ${options.output}`); }
  else process.stdout.write(text);
};
const one = (what) => positional[0] ?? fail(`give the ${what}`);

switch (action) {
  case "sign-in": {
    const link = one("invitation link");
    const invitation = new URL(link).searchParams.get("i") ?? fail("that is not an invitation link (…/clt/join?i=…)");
    const response = await fetch(`${site}/api/clt/join`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", Origin: site },
      body: JSON.stringify({ invitation }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) fail(`${response.status} ${body.message ?? "sign-in refused"}`);
    const cookie = response.headers.get("set-cookie") ?? "";
    const token = /__Host-lead_clt=([^;]+)/.exec(cookie)?.[1] ?? fail("the portal set no session cookie");
    mkdirSync(dirname(sessionFile), { recursive: true });
    writeFileSync(sessionFile, JSON.stringify({ site, token, csrf: body.csrf }), { mode: 0o600 });
    chmodSync(sessionFile, 0o600);
    console.log(`signed in as ${body.name} (${body.organisation}, ${body.role}); the session is kept in ${sessionFile}`);
    break;
  }
  case "status": show(await call("GET", "/api/staff/overview")); break;
  case "intake": show(await call("POST", "/api/staff/intake", { status: one("status (open, priority_only or paused)"), hours: options.hours ?? "", until: options.until ?? "", reason: options.reason ?? "" })); break;
  case "intake-end": show(await call("POST", "/api/staff/intake/end", { reason: options.reason ?? "" })); break;
  case "capacity": show(await call("POST", "/api/staff/capacity", { average_caseload: options.average ?? "", highest_caseload: options.highest ?? "", as_of: options["as-of"] })); break;
  case "resend": show(await call("POST", `/api/staff/referrals/${encodeURIComponent(one("reference"))}/resend`, {})); break;
  case "resend-all": show(await call("POST", "/api/staff/referrals/resend-all", {})); break;
  case "people": show(await call("GET", "/api/staff/people")); break;
  case "invite": show(await call("POST", "/api/staff/people", { name: options.name ?? "", organisation: options.organisation ?? "", email: options.email ?? "", role: options.role ?? "member", days: options.days ?? "" })); break;
  case "reinvite": show(await call("POST", `/api/staff/people/${encodeURIComponent(one("person's id (from people)"))}/reinvite`, {})); break;
  case "revoke": show(await call("POST", `/api/staff/people/${encodeURIComponent(one("person's id (from people)"))}/revoke`, { reason: options.reason ?? "" })); break;
  case "audit": save(await call("GET", "/api/staff/audit.csv")); break;
  case "feedback": save(await call("GET", "/api/staff/feedback.csv")); break;
  default: fail(`unknown command ${action}: run functions/bin/staff for usage`);
}
