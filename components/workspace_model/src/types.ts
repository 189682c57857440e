/** A component (a building block) or a base (an entry point that wires components to a transport). */
export type BrickKind = 'component' | 'base';

/** Where an import points. */
export type ImportTarget =
  /** Another brick (or this one) by package name; `deep` when it names a path inside it (`@ns/x/src/y`). */
  | { kind: 'brick'; brick: string; deep: boolean }
  /** A third-party library, by its package name (`@scope/name` or `name`), whatever subpath was imported. */
  | { kind: 'library'; library: string }
  /** A relative path; `leavesBrick` when it resolves outside the importing brick's folder. */
  | { kind: 'relative'; leavesBrick: boolean }
  /** A Node.js built-in (`node:fs`, `fs`). */
  | { kind: 'builtin' };

/** One import, re-export or dynamic import found in a brick's source. */
export interface ImportRef {
  /** The file, relative to the workspace root, with forward slashes. */
  file: string;
  /** 1-based line of the specifier. */
  line: number;
  /** The module specifier as written. */
  specifier: string;
  /**
   * True when the import is erased at run time: `import type …`, `export type … from`,
   * `typeof import('x')` and `import('x').T` in type positions, and any import of a `.d.ts` file.
   * `import { type A } from 'x'` is NOT type-only: under verbatimModuleSyntax it stays as the
   * side-effect import `import 'x'`, so the module is loaded at run time.
   */
  typeOnly: boolean;
  /** `src` for the brick's production code, `test` for its tests (`test/` or `*.test.ts`). */
  context: 'src' | 'test';
  target: ImportTarget;
}

/** A brick: a package under a brick folder. */
export interface Brick {
  /** The folder name, e.g. `store`. */
  name: string;
  kind: BrickKind;
  /** The folder, relative to the root, e.g. `components/store`. */
  dir: string;
  /** The package name it must have: `@<namespace>/<name>`. */
  packageName: string;
  /** The `name` in its package.json as written (P105 compares it with `packageName`). */
  manifestName: string;
  /** Libraries listed in its package.json `dependencies`, name → version range. */
  libraries: Record<string, string>;
  /** Bricks wrongly listed in its package.json dependencies (P112). */
  listedBricks: string[];
  /** Every import in its `src/` and `test/` files. */
  imports: ImportRef[];
}

/** A project: a deployable under `projects/`, or the development project. */
export interface Project {
  /** The folder name, e.g. `api_app`; `development` for the development project. */
  name: string;
  /** The folder, relative to the root, e.g. `projects/api_app`. */
  dir: string;
  /** A short name from workspace.json, if any. */
  alias: string | undefined;
  /** The `name` in its package.json as written. */
  manifestName: string;
  /** Bricks it lists (its package.json dependencies in the namespace), sorted. */
  bricks: string[];
  /** Libraries it lists, name → version range. */
  libraries: Record<string, string>;
  /** True for the development project (`development/`), which ships every brick and is never deployed. */
  development: boolean;
}

/** What workspace.json says. */
export interface WorkspaceConfig {
  namespace: string;
  folders: { components: string; bases: string; projects: string; development: string };
  /** Git tag patterns (glob): `stable` marks the last stable point, `release` a release. */
  tags: { stable: string; release: string };
  /** Per-project settings, by folder name. */
  projects: Record<string, { alias?: string }>;
}

/** The whole workspace as data. Everything is sorted by name, so output built from it is deterministic. */
export interface Workspace {
  /** Absolute path of the folder holding workspace.json. */
  root: string;
  config: WorkspaceConfig;
  /** Components first, then bases, each sorted by name. */
  bricks: Brick[];
  /** The deployable projects, sorted; the development project is separate. */
  projects: Project[];
  development: Project | undefined;
}
