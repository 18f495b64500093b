// The CLT manager's commands (see functions/bin/clt for usage). Talks to D1
// through `wrangler d1 execute`; values are quoted as SQL string literals.
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { stringify } from "csv-stringify/sync";

const usage = () => {
  console.error("usage: clt invite --name NAME --organisation ORG --email EMAIL [--role member|moderator|manager] [--days 7]\n" +
    "       clt reinvite EMAIL [--days 7] | clt list | clt revoke EMAIL | clt export [--output FILE]\n" +
    "       (any) [--remote | --persist-to DIR]");
  process.exit(2);
};
const fail = (message) => { console.error(`clt: ${message}`); process.exit(1); };

const [action, ...rest] = process.argv.slice(2);
const options = {};
const positional = [];
const d1Options = [];
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i];
  if (arg === "--remote") d1Options.push(arg);
  else if (arg === "--persist-to") d1Options.push(arg, rest[++i] ?? usage());
  else if (arg.startsWith("--")) options[arg.slice(2)] = rest[++i] ?? usage();
  else positional.push(arg);
}
if (!d1Options.includes("--remote")) {
  d1Options.unshift("--local");
  // Without --persist-to: the state of the local run (.ci/portal).
  if (!d1Options.includes("--persist-to")) d1Options.push("--persist-to", new URL("../../.run/state", import.meta.url).pathname);
}

const quote = (v) => v === null || v === undefined ? "NULL" : `'${String(v).replaceAll("'", "''")}'`;
const sql = (command) => {
  let out;
  try {
    out = execFileSync("wrangler", ["d1", "execute", "DB", ...d1Options, "--json", "--command", command],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    let text = String(e.stdout || e.stderr || e.message);
    try { text = JSON.parse(e.stdout).error.text; } catch { /* not JSON */ }
    fail(`the database refused the command: ${text.trim()}${/no such table/.test(text) ? " (are the migrations applied? .ci/portal applies them)" : ""}`);
  }
  return JSON.parse(out).flatMap((r) => r.results ?? []);
};

const email = (v) => {
  const e = String(v ?? "").trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) || e.length > 254) fail(`${JSON.stringify(v ?? "")} is not an email address`);
  return e;
};
const days = () => {
  const d = Number(options.days ?? 7);
  if (!Number.isInteger(d) || d < 1 || d > 90) fail("--days must be a whole number from 1 to 90");
  return d;
};

const secret = (process.env.CLT_SECRET ?? "").trim();
const link = (memberId) => {
  if (secret.length < 32) fail("CLT_SECRET (at least 32 characters) is needed to sign the link");
  const id = randomBytes(16).toString("base64url");
  const now = Date.now();
  const expires = now + days() * 24 * 3600 * 1000;
  sql(`INSERT INTO clt_invitations (id, member_id, created_at, expires_at) VALUES (${quote(id)}, ${quote(memberId)}, ${now}, ${expires})`);
  const tag = createHmac("sha256", secret).update(`invite|${id}|${expires}`).digest("base64url");
  const site = (process.env.SITE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  return { url: `${site}/clt/join?i=${id}.${expires}.${tag}`, expires: new Date(expires).toISOString() };
};
const member = (address) => sql(`SELECT * FROM clt_members WHERE email = ${quote(email(address))}`)[0];

switch (action) {
  case "invite": {
    const name = String(options.name ?? "").trim();
    const organisation = String(options.organisation ?? "").trim();
    const role = options.role ?? "member";
    if (!name || name.length > 200) fail("--name is required (up to 200 characters)");
    if (!organisation || organisation.length > 200) fail("--organisation is required (up to 200 characters)");
    if (!["member", "moderator", "manager"].includes(role)) fail("--role is member, moderator or manager");
    const address = email(options.email);
    if (member(address)) fail(`${address} is already a member: use \`clt reinvite ${address}\``);
    const id = randomBytes(12).toString("base64url");
    // A manager is stored as a moderator with the manager flag (migration 0007).
    const stored = role === "manager" ? "moderator" : role;
    sql(`INSERT INTO clt_members (id, name, organisation, email, role, manager, created_at)
         VALUES (${quote(id)}, ${quote(name)}, ${quote(organisation)}, ${quote(address)}, ${quote(stored)},
                 ${role === "manager" ? 1 : 0}, ${Date.now()})`);
    const invitation = link(id);
    console.log(`Invitation for ${name} (${organisation}, ${role}), single use, expires ${invitation.expires}:`);
    console.log(invitation.url);
    break;
  }
  case "reinvite": {
    const m = member(positional[0]) ?? fail(`${positional[0]} is not a member: use \`clt invite\``);
    // Every older link stops working: only the one printed now signs in.
    const voided = sql(`UPDATE clt_invitations SET voided_at = ${Date.now()}
        WHERE member_id = ${quote(m.id)} AND redeemed_at IS NULL AND voided_at IS NULL RETURNING id`);
    sql(`UPDATE clt_members SET revoked_at = NULL WHERE id = ${quote(m.id)}`);
    const invitation = link(m.id);
    if (voided.length) console.log(`${voided.length} older unused invitation(s) no longer work.`);
    console.log(`New invitation for ${m.name} (${m.organisation}, ${m.role}), single use, expires ${invitation.expires}:`);
    console.log(invitation.url);
    break;
  }
  case "revoke": {
    const m = member(positional[0]) ?? fail(`${positional[0]} is not a member`);
    const now = Date.now();
    sql(`UPDATE clt_members SET revoked_at = ${now} WHERE id = ${quote(m.id)} AND revoked_at IS NULL`);
    const ended = sql(`UPDATE clt_sessions SET revoked_at = ${now} WHERE member_id = ${quote(m.id)} AND revoked_at IS NULL RETURNING token_hash`);
    const voided = sql(`UPDATE clt_invitations SET voided_at = ${now}
        WHERE member_id = ${quote(m.id)} AND redeemed_at IS NULL AND voided_at IS NULL RETURNING id`);
    console.log(`${m.email} revoked; ${ended.length} session(s) ended, ${voided.length} unused invitation(s) voided`);
    break;
  }
  case "list": {
    const rows = sql(`SELECT m.name, m.organisation, m.email, CASE WHEN m.manager = 1 THEN 'manager' ELSE m.role END AS role,
        CASE WHEN m.revoked_at IS NULL THEN 'active' ELSE 'revoked' END AS status,
        (SELECT COUNT(*) FROM clt_sessions s WHERE s.member_id = m.id AND s.revoked_at IS NULL AND s.expires_at > ${Date.now()}) AS sessions,
        (SELECT COUNT(*) FROM clt_comments c WHERE c.member_id = m.id) AS comments
        FROM clt_members m ORDER BY m.organisation, m.name`);
    if (!rows.length) { console.log("no members"); break; }
    const columns = ["name", "organisation", "email", "role", "status", "sessions", "comments"];
    console.log(columns.join("\t"));
    for (const r of rows) console.log(columns.map((c) => r[c]).join("\t"));
    break;
  }
  case "export": {
    const rows = sql(`SELECT c.id, datetime(c.created_at / 1000, 'unixepoch') AS created, m.organisation, m.name AS member,
        c.page, c.chart, c.period, c.data_point, c.kind, c.body, c.publish, c.data_version,
        CASE WHEN c.approved_at IS NULL THEN 'no' ELSE 'yes' END AS published,
        c.reply_status, c.reply_body, c.reply_reason, datetime(c.replied_at / 1000, 'unixepoch') AS replied
        FROM clt_comments c JOIN clt_members m ON m.id = c.member_id ORDER BY c.created_at`);
    const columns = ["id", "created", "organisation", "member", "page", "chart", "period", "data_point", "kind", "body",
      "publish", "data_version", "published", "reply_status", "reply_body", "reply_reason", "replied"];
    // Control and bidirectional override characters are never written out,
    // even from comments stored before the worker removed them on input:
    // they could rewrite what a terminal or spreadsheet shows. A leading
    // = + - @ is prefixed so spreadsheets do not run it as a formula. The
    // CSV itself (RFC 4180 quoting) is csv-stringify's.
    const cell = (v) => {
      const s = (v === null || v === undefined ? "" : String(v))
        .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "");
      return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    };
    const csv = stringify(rows.map((r) => columns.map((c) => cell(r[c]))), {
      header: true,
      columns,
      record_delimiter: "windows",
    });
    if (options.output) { writeFileSync(options.output, csv); console.error(`wrote ${rows.length} comment(s) to ${options.output}`); }
    else process.stdout.write(csv);
    break;
  }
  default:
    usage();
}
