// Copies browser assets from node_modules into public/vendor so the portal serves them itself (no CDN),
// and joins views/styles/*.css (one file per area, in name order) into the one stylesheet pages load.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "public", "vendor");
mkdirSync(join(vendor, "swagger-ui"), { recursive: true });
cpSync(join(root, "node_modules/htmx.org/dist/htmx.min.js"), join(vendor, "htmx.min.js"));
// The SSE extension streams run logs into the run page.
cpSync(join(root, "node_modules/htmx-ext-sse/dist/sse.min.js"), join(vendor, "htmx-sse.min.js"));
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  cpSync(join(root, "node_modules/swagger-ui-dist", file), join(vendor, "swagger-ui", file));
}
const styles = join(root, "views", "styles");
const css = readdirSync(styles)
  .filter((f) => f.endsWith(".css"))
  .sort()
  .map((f) => `/* ${f} */\n${readFileSync(join(styles, f), "utf8")}`)
  .join("\n");
writeFileSync(join(root, "public", "app.css"), css);
console.log("assets copied to public/vendor, styles joined into public/app.css");
