// `npm run template:apply -- <name> [base-url]`: applies a template to a running portal.
const [name, base = "http://127.0.0.1:8787"] = process.argv.slice(2);
if (!name) {
  console.error("usage: npm run template:apply -- <sdlc|cloud-resources> [base-url]");
  process.exit(2);
}
const headers = process.env.PORTAL_TOKEN ? { authorization: `Bearer ${process.env.PORTAL_TOKEN}` } : {};
const res = await fetch(`${base}/v1/templates/${encodeURIComponent(name)}/apply`, { method: "POST", headers });
console.log(JSON.stringify(await res.json(), null, 2));
process.exit(res.ok ? 0 : 1);
