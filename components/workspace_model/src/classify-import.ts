import { builtinModules } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import type { ImportTarget } from './types.ts';

const BUILTINS = new Set(builtinModules);

/** Where the importing file sits, for {@link classifyImport}. */
export interface ImportSite {
  /** The workspace's namespace, without `@`. */
  namespace: string;
  /** Absolute path of the importing file. */
  file: string;
  /** Absolute path of the brick folder holding it. */
  brickDir: string;
}

// Both paths are absolute and normalised, so a prefix test says it (path.relative costs a
// process.cwd() and two resolves per import, which a 300-brick workspace felt).
const outside = (dir: string, path: string): boolean => path !== dir && !path.startsWith(dir + sep);

/** The package a bare specifier names: `@scope/name` or `name`, whatever subpath follows. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Says what a module specifier points at: a brick of the namespace, a Node.js built-in, a path
 * (and whether it leaves the importing brick), or a third-party library by its exact package name.
 */
export function classifyImport(specifier: string, site: ImportSite): ImportTarget {
  if (specifier.startsWith('node:')) return { kind: 'builtin' };
  if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    return { kind: 'relative', leavesBrick: outside(site.brickDir, resolve(dirname(site.file), specifier)) };
  }
  if (specifier.startsWith('/'))
    return { kind: 'relative', leavesBrick: outside(site.brickDir, resolve(specifier)) };
  // `#name` is the package's own subpath import map, so it stays inside the brick.
  if (specifier.startsWith('#')) return { kind: 'relative', leavesBrick: false };
  const prefix = `@${site.namespace}/`;
  if (specifier.startsWith(prefix)) {
    const rest = specifier.slice(prefix.length);
    const slash = rest.indexOf('/');
    return slash === -1
      ? { kind: 'brick', brick: rest, deep: false }
      : { kind: 'brick', brick: rest.slice(0, slash), deep: true };
  }
  if (BUILTINS.has(specifier) || BUILTINS.has(packageNameOf(specifier))) return { kind: 'builtin' };
  return { kind: 'library', library: packageNameOf(specifier) };
}
