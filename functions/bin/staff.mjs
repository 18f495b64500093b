// The staff console's API for scripting (see functions/bin/staff for
// usage). Every command but `sign-in` and `first-manager` is a request to
// /api/staff/* with the saved session: the same handlers, checks and audit
// log as the console. `first-manager` is the one write to D1 that does not
// go through the worker (nobody can sign in yet); it writes its own line in
// the audit log.
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const site = (process.env.SITE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const sessionFile = process.env.STAFF_SESSION_FILE;
const fail = (message) => { console.error(`staff: ${message}`); process.exit(1); };

const [action, ...rest] = process.argv.slice(2);
const options = {};
const positional = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "--remote") options.remote = true;
  else if (rest[i].startsWith("--")) options[rest[i].slice(2)] = rest[++i] ?? fail(`${rest[i]} needs a value`);
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

// D1 through `wrangler d1 execute`, for `first-manager` only: --remote for
// production, --persist-to DIR for a test's state, otherwise the local
// run's state (.run/state). Values are quoted as SQL string literals.
const d1 = (command) => {
  const where = options.remote !== undefined ? ["--remote"]
    : ["--local", "--persist-to", options["persist-to"] ?? new URL("../../.run/state", import.meta.url).pathname];
  let out;
  try {
    out = execFileSync("wrangler", ["d1", "execute", "DB", ...where, "--json", "--command", command],
      { cwd: new URL("..", import.meta.url).pathname, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    let text = String(e.stdout || e.stderr || e.message);
    try { text = JSON.parse(e.stdout).error.text; } catch { /* not JSON */ }
    fail(`the database refused the command: ${text.trim()}${/no such table/.test(text) ? " (are the migrations applied? .ci/portal applies them)" : ""}`);
  }
  return JSON.parse(out).flatMap((r) => r.results ?? []);
};
const quote = (v) => v === null || v === undefined ? "NULL" : `'${String(v).replaceAll("'", "''")}'`;

// The program's first manager (or, with --again REASON, a new one when
// every manager has lost access): a person with the manager flag, a
// single-use invitation signed with CLT_SECRET as the worker signs them,
// and a line in the audit log, in one batch.
const firstManager = () => {
  const name = String(options.name ?? "").trim();
  const organisation = String(options.organisation ?? "").trim();
  const email = String(options.email ?? "").trim().toLowerCase();
  if (!name || name.length > 200) fail("--name is required (up to 200 characters)");
  if (!organisation || organisation.length > 200) fail("--organisation is required (up to 200 characters)");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) fail(`--email ${JSON.stringify(options.email ?? "")} is not an email address`);
  const again = options.again === undefined ? null : String(options.again).trim();
  if (again !== null && again.length < 3) fail("--again needs the reason, kept in the audit log");
  const secret = (process.env.CLT_SECRET ?? "").trim();
  if (secret.length < 32) fail("CLT_SECRET (at least 32 characters) is needed to sign the link");
  const managers = d1("SELECT name, email FROM clt_members WHERE manager = 1 AND revoked_at IS NULL");
  if (managers.length && again === null) {
    fail(`the portal has a manager already (${managers.map((m) => m.email).join(", ")}): managers invite people from the console (/staff/people) or with \`functions/bin/staff invite\`. If every manager has lost access, run this again with --again REASON.`);
  }
  if (d1(`SELECT id FROM clt_members WHERE email = ${quote(email)}`).length) {
    fail(`${email} is on the list already: a manager gives them a new link from the console`);
  }
  const memberId = randomBytes(12).toString("base64url");
  const invitationId = randomBytes(16).toString("base64url");
  const now = Date.now();
  const expires = now + 7 * 24 * 3600 * 1000;
  // A manager is stored as a moderator with the manager flag (migration 0007).
  d1(`INSERT INTO clt_members (id, name, organisation, email, role, manager, created_at)
        VALUES (${quote(memberId)}, ${quote(name)}, ${quote(organisation)}, ${quote(email)}, 'moderator', 1, ${now});
      INSERT INTO clt_invitations (id, member_id, created_at, expires_at)
        VALUES (${quote(invitationId)}, ${quote(memberId)}, ${now}, ${expires});
      INSERT INTO audit_log (at, actor_id, actor_name, action, subject, from_value, to_value, reason)
        VALUES (${now}, 'command-line', 'functions/bin/staff first-manager', 'invite',
                ${quote(`${email} (${organisation})`)}, NULL, 'manager', ${quote(again ?? "the program's first manager")});`);
  const tag = createHmac("sha256", secret).update(`invite|${invitationId}|${expires}`).digest("base64url");
  console.log(`Invitation for ${name} (${organisation}, manager), single use, expires ${new Date(expires).toISOString()}:`);
  console.log(`${site}/en/clt/join?i=${invitationId}.${expires}.${tag}`);
};

switch (action) {
  case "first-manager": firstManager(); break;
  case "sign-in": {
    const link = one("invitation link");
    const invitation = new URL(link).searchParams.get("i") ?? fail("that is not an invitation link (…/en/clt/join?i=…)");
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
