import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { BuildError, readProjectManifest } from './manifest.ts';
import { lockedVersions, productionManifest } from './production-manifest.ts';

/** Options of {@link buildProject}. */
export interface BuildOptions {
  /** The workspace root (where workspace.json is). */
  root: string;
  /** The project folder name under projects/. */
  project: string;
  /** The brick namespace. @default 'mousetrap' */
  namespace?: string;
  /** The folder to write the bundle and its manifest to. @default `<root>/projects/<project>/dist` */
  outdir?: string;
}

/** What a build wrote. */
export interface BuildReport {
  project: string;
  base: string;
  /** The bundle, relative to the root. */
  outfile: string;
  /** Its pruned production package.json, relative to the root. */
  manifest: string;
  /** Written beside them for a package to publish: README.md and LICENSE, relative to the root. */
  documents: string[];
  /** The libraries the bundle imports, pinned to the lockfile's versions. */
  dependencies: Record<string, string>;
  bytes: number;
  milliseconds: number;
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** The package name of a bare import: `@scope/name/deep` → `@scope/name`, `name/deep` → `name`. */
const packageOf = (path: string) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Fails the bundle on any import of a brick or a library the project's package.json does not
 * list, so a manifest that is missing something breaks the build, not the running service.
 */
function manifestGuard(project: string, namespace: string, bricks: string[], libraries: string[]): Plugin {
  const prefix = `@${namespace}/`;
  return {
    name: 'manifest-guard',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (builtins.has(args.path)) return undefined;
        const name = packageOf(args.path);
        const listed = name.startsWith(prefix)
          ? bricks.includes(name.slice(prefix.length))
          : libraries.includes(name);
        if (listed) return name.startsWith(prefix) ? undefined : { path: args.path, external: true };
        return {
          errors: [
            {
              text: `${args.path} is imported by ${args.importer} but not listed in projects/${project}/package.json`,
            },
          ],
        };
      });
    },
  };
}

/** Copies the project's README.md and the workspace's LICENSE, where they exist, beside the bundle. */
async function copyDocuments(root: string, project: string, dist: string): Promise<string[]> {
  const sources = [join(root, 'projects', project, 'README.md'), join(root, 'LICENSE')];
  const copied: string[] = [];
  for (const source of sources.filter((path) => existsSync(path))) {
    const target = join(dist, basename(source));
    await copyFile(source, target);
    copied.push(target);
  }
  return copied;
}

/**
 * Writes `path` whole or not at all: into a file of its own beside it, then renamed over it. A
 * process that starts from the build meanwhile (a service, a test's) reads the old file or the new
 * one, never one half written; two builds at once each write a whole file, the last one staying.
 */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Bundles a project into `projects/<p>/dist/main.js`: its base's `src/main.ts` and every brick it
 * reaches in one ES module, with the project's libraries left external; beside it a pruned
 * `package.json` listing only the libraries the bundle imports, at the lockfile's versions, so
 * that `npm install --omit=dev` in `dist/` (a Docker image's runtime stage) installs just those.
 * A project with a `publishConfig` is a package to publish: its manifest is not private, its
 * `bin` commands run the bundle, and its README.md and the workspace's LICENSE go beside it, so
 * that `npm pack` or `npm publish` in `dist/` ships exactly that.
 */
export async function buildProject(options: BuildOptions): Promise<BuildReport> {
  const namespace = options.namespace ?? 'mousetrap';
  const started = performance.now();
  const manifest = await readProjectManifest(options.root, options.project, namespace);
  const bases = manifest.bricks.filter((brick) =>
    existsSync(join(options.root, 'bases', brick, 'src', 'main.ts')),
  );
  const [base] = bases;
  if (base === undefined || bases.length > 1) {
    throw new BuildError(
      'no_base',
      `project "${options.project}" must ship exactly one base with src/main.ts; found ${bases.length === 0 ? 'none' : bases.join(', ')}`,
    );
  }
  const dist = options.outdir ?? join(options.root, 'projects', options.project, 'dist');
  const outfile = join(dist, 'main.js');
  // esbuild is loaded only to build: importing it costs a poly process ~35 ms that no other command needs.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(options.root, 'bases', base, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    // A project with a bin is a command: its bundle is the program npm links.
    ...(manifest.bin.length > 0 ? { banner: { js: '#!/usr/bin/env node' } } : {}),
    logLevel: 'silent',
    metafile: true,
    write: false,
    plugins: [manifestGuard(options.project, namespace, manifest.bricks, manifest.libraries)],
  }).catch((cause: unknown) => {
    const text = (cause as { errors?: { text: string }[] }).errors?.map((error) => error.text).join('; ');
    const code = text?.includes('not listed in projects/') ? 'unlisted_import' : 'bundle_failed';
    throw new BuildError(code, `build of ${options.project} failed: ${text ?? String(cause)}`, { cause });
  });
  // The source map first, the bundle last: once the new bundle is in place, so is its map (a
  // process started between the two renames gets the old bundle with the new map).
  const bundle = resolve(outfile);
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === bundle) - Number(b.path === bundle));
  for (const file of files) await writeAtomically(file.path, file.contents);
  const imported = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((entry) => entry.external && !builtins.has(entry.path))
      .map((entry) => packageOf(entry.path)),
  );
  const dependencies = await lockedVersions(options.root, imported);
  const manifestFile = join(dist, 'package.json');
  await writeAtomically(
    manifestFile,
    `${JSON.stringify(productionManifest(manifest, dependencies), null, 2)}\n`,
  );
  const documents = manifest.published ? await copyDocuments(options.root, options.project, dist) : [];
  return {
    project: options.project,
    base,
    outfile: relative(options.root, outfile),
    manifest: relative(options.root, manifestFile),
    documents: documents.map((file) => relative(options.root, file)),
    dependencies,
    bytes: files.find((file) => file.path === bundle)?.contents.byteLength ?? 0,
    milliseconds: Math.round(performance.now() - started),
  };
}
