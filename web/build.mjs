// Builds the web UI into the Python package's static folder (gitignored): one JS bundle, the page,
// the stylesheet, the world's country shapes, and Swagger UI for /docs. Run by `make web`.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "sitroom", "serve", "static");
const mods = join(here, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });

await build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: join(out, "app.js"),
  legalComments: "linked",
  logLevel: "warning",
});

for (const f of ["index.html", "style.css", "favicon.svg"]) cpSync(join(here, "public", f), join(out, f));
cpSync(join(mods, "world-atlas", "countries-110m.json"), join(out, "countries-110m.json"));
cpSync(join(mods, "world-atlas", "LICENSE"), join(out, "vendor", "world-atlas.LICENSE"));
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
  cpSync(join(mods, "swagger-ui-dist", f), join(out, "vendor", f === "LICENSE" ? "swagger-ui.LICENSE" : f));
}
console.log(`web: built into ${out}`);
