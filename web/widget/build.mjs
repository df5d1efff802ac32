// Builds the widget into one minified IIFE file, dist/clinic-chat.js (and its
// gzipped copy), with the licences of the bundled packages beside it. `node build.mjs --tests` builds
// the unit tests (test/*.test.ts) for `node --test` instead.
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const BUNDLE = "clinic-chat.js";
const LICENSES = "clinic-chat.licenses.txt";

async function buildWidget() {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(root, "src/index.ts")],
    outfile: join(root, "dist", BUNDLE),
    bundle: true,
    format: "iife",
    minify: true,
    target: ["chrome100", "firefox100", "safari15", "edge100"],
    legalComments: "none",
    banner: { js: `/* Clinic chat widget. Licences of bundled code: ${LICENSES} */` },
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(join(root, "dist", LICENSES), licenses(result.metafile));
  // Served as is to browsers that accept gzip (the site's FileResponse).
  const bundle = readFileSync(join(root, "dist", BUNDLE));
  writeFileSync(join(root, "dist", `${BUNDLE}.gz`), gzipSync(bundle, { level: 9 }));
}

// Drawn into src/dom.ts (ICONS.thumbsUp, ICONS.thumbsDown), not an npm package.
const FEATHER = `feather icons: the thumbs-up and thumbs-down paths (MIT)

The MIT License (MIT)

Copyright (c) 2013-2017 Cole Bemis

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

/** The licence text of every npm package that ended up in the bundle, and of
 * the icons drawn into it. */
function licenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  return [...packages].sort().map((name) => {
    const dir = join(root, "node_modules", name);
    const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(dir, file), "utf8").trim() : `${license}`;
    return `${name}@${version} (${license})\n\n${text}\n`;
  }).concat([FEATHER]).join("\n" + "-".repeat(72) + "\n\n");
}

async function buildTests() {
  const outdir = join(root, ".test-build");
  rmSync(outdir, { recursive: true, force: true });
  const tests = readdirSync(join(root, "test")).filter((f) => f.endsWith(".test.ts"));
  await build({
    entryPoints: tests.map((f) => join(root, "test", f)),
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
}

if (process.argv.includes("--tests")) await buildTests();
else await buildWidget();
if (!existsSync(join(root, "dist", BUNDLE)) && !process.argv.includes("--tests")) {
  throw new Error("build produced no bundle");
}
