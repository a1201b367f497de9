// The CLI's start-up cache. Running src/cli/main.ts through tsx costs ~0.3-0.5 s before any
// work (tsx's loader thread, then one esbuild transform and one module load per source file).
// Instead the launcher runs one ES module bundled by esbuild (tsx's own dependency, so a
// fresh `npm ci` has it) from node_modules/.cache/klp-lab/, built on first use and rebuilt
// whenever it is stale:
//  - the manifest lists every project file esbuild read (its metafile), each with a SHA-256 of
//    its contents, plus this builder, node, esbuild and the checkout's path; the bundle is used
//    only if every one still matches, so an edit anywhere in what the CLI imports (or a new
//    file that an edited import reaches) means a rebuild, never stale code;
//  - npm packages stay external (imported from node_modules as before);
//  - esbuild runs with tsx's options that change behaviour (keepNames; the TS sources are
//    otherwise plain ES modules); `import.meta.url` in each source file is replaced by that
//    file's own URL, so `new URL('../../public/…', import.meta.url)` finds the same files;
//  - the bundle is written under a content-addressed name, then the manifest, each by
//    rename, so concurrent runs never see half a file.
// Anything unexpected (no esbuild, read-only node_modules, a build error) returns undefined
// and the launcher falls back to tsx. KLP_LAB_TSX=1 forces tsx.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FORMAT = 1;
/** @param {import('node:crypto').BinaryLike} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const builderPath = fileURLToPath(import.meta.url);

/** @param {string} root @returns {typeof import('esbuild')} */
function loadEsbuild(root) {
  const req = createRequire(join(root, 'package.json'));
  // esbuild is tsx's dependency: resolve it from tsx's location (hoisted or nested)
  return createRequire(req.resolve('tsx/package.json'))('esbuild');
}

/**
 * The manifest's inputs, if every one of them still has the recorded contents.
 * @param {any} manifest parsed JSON, checked field by field here
 * @param {string} root
 */
export function isFresh(manifest, root) {
  if (manifest?.format !== FORMAT || manifest.root !== root || manifest.node !== process.version) return false;
  if (manifest.builder !== sha256(readFileSync(builderPath))) return false;
  for (const [path, hash] of Object.entries(manifest.inputs)) {
    let bytes;
    try {
      bytes = readFileSync(join(root, path));
    } catch {
      return false;
    }
    if (sha256(bytes) !== hash) return false;
  }
  return true;
}

/**
 * The file URL of an up-to-date bundle of `entry` (a path inside `root`), building it into
 * `cacheDir` if needed; undefined if that cannot be done (the caller then uses tsx).
 * @param {string} root @param {string} entry @param {string | undefined} [cacheDir] @param {string} [name]
 * @returns {Promise<string | undefined>}
 */
export async function bundledEntry(root, entry, cacheDir = undefined, name = 'cli') {
  root = resolve(root);
  // one cache per checkout: worktrees that share node_modules must not rebuild each other's
  cacheDir ??= join(root, 'node_modules/.cache/klp-lab', sha256(root).slice(0, 12));
  const manifestPath = join(cacheDir, `${name}.json`);
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const bundle = join(cacheDir, manifest.bundle);
    if (existsSync(bundle) && isFresh(manifest, root)) return pathToFileURL(bundle).href;
  } catch {
    // no manifest yet, or unreadable: build
  }
  try {
    return await build(root, entry, cacheDir, name, manifestPath);
  } catch {
    return undefined;
  }
}

/** @param {string} root @param {string} entry @param {string} cacheDir @param {string} name @param {string} manifestPath */
async function build(root, entry, cacheDir, name, manifestPath) {
  const esbuild = loadEsbuild(root);
  /** @type {import('esbuild').Plugin} */
  const importMetaUrl = {
    name: 'klp-lab-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const ext = /** @type {string} */ (args.path.match(/\.([cm]?[jt]sx?)$/)?.[1]);
        const loader = ext.includes('ts') ? (ext.endsWith('x') ? 'tsx' : 'ts') : ext.endsWith('x') ? 'jsx' : 'js';
        const contents = text.includes('import.meta.url')
          ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          : text;
        return { contents, loader };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    packages: 'external',
    keepNames: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [importMetaUrl],
    banner: { js: `// generated by bin/cli_bundle.js from ${entry}: do not edit, delete freely` },
  });
  const code = /** @type {import('esbuild').OutputFile} */ (result.outputFiles[0]).contents;
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs).sort()) inputs[path] = sha256(readFileSync(join(root, path)));
  const bundleName = `${name}-${sha256(code).slice(0, 16)}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = (/** @type {string} */ p) => `${p}.${process.pid}.${Date.now()}.tmp`;
  const bundlePath = join(cacheDir, bundleName);
  const t1 = tmp(bundlePath);
  writeFileSync(t1, code);
  renameSync(t1, bundlePath);
  const manifest = {
    format: FORMAT,
    root,
    node: process.version,
    esbuild: esbuild.version,
    builder: sha256(readFileSync(builderPath)),
    bundle: bundleName,
    inputs,
  };
  const t2 = tmp(manifestPath);
  writeFileSync(t2, JSON.stringify(manifest));
  renameSync(t2, manifestPath);
  // older bundles: left for a while in case a concurrent run is about to import one
  for (const f of readdirSync(cacheDir)) {
    if (f === bundleName || !f.startsWith(`${name}-`)) continue;
    try {
      if (Date.now() - statSync(join(cacheDir, f)).mtimeMs > 10 * 60 * 1000) rmSync(join(cacheDir, f));
    } catch {
      // gone already
    }
  }
  return pathToFileURL(bundlePath).href;
}
