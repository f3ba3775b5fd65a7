// Part of `npm run lint`: every colour in views/styles is a token from 00-base.css's :root blocks, so the
// dark-mode overrides there reach every page. Enum badges keep a fixed palette (dark text on pastel reads in
// both schemes) and are exempt.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "views", "styles");
const offenders = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".css"))) {
  const css = readFileSync(join(dir, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/:root\s*\{[^}]*\}/g, "");
  for (const rule of css.split("}")) {
    const [selector = "", body = ""] = rule.split("{");
    if (/\.badge\b/.test(selector)) continue;
    for (const m of body.matchAll(/#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(/g)) offenders.push(`${file}: ${selector.trim()} uses ${m[0]}`);
  }
}
if (!readFileSync(join(dir, "00-base.css"), "utf8").includes("@media (prefers-color-scheme: dark)"))
  offenders.push("00-base.css: no dark mode block");
if (offenders.length > 0) {
  console.error(`Colours must be tokens (var(--…)) from views/styles/00-base.css:\n  ${offenders.join("\n  ")}`);
  process.exit(1);
}
console.log("styles: colour tokens only");
