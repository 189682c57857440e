import type { Brick, BrickKind, ImportRef, Project, Workspace } from '../src/types.ts';
import { DEFAULT_CONFIG } from '../src/workspace-config.ts';

/** One import of a test brick: another brick or a library, in `src` at run time unless told. */
export interface Use {
  brick?: string;
  library?: string;
  context?: 'src' | 'test';
  typeOnly?: boolean;
}

/** A brick that imports what `uses` says (a plain string is a run-time `src` import of that brick). */
export function brick(
  name: string,
  uses: readonly (string | Use)[] = [],
  kind: BrickKind = 'component',
): Brick {
  const dir = `${kind === 'base' ? 'bases' : 'components'}/${name}`;
  const imports = uses.map((use, index): ImportRef => {
    const {
      brick: used,
      library,
      context = 'src',
      typeOnly = false,
    } = typeof use === 'string' ? { brick: use } : use;
    return {
      file: context === 'src' ? `${dir}/src/index.ts` : `${dir}/test/index.test.ts`,
      line: index + 1,
      specifier: used === undefined ? (library ?? '') : `@acme/${used}`,
      typeOnly,
      context,
      target:
        used === undefined
          ? { kind: 'library', library: library ?? '' }
          : { kind: 'brick', brick: used, deep: false },
    };
  });
  return {
    name,
    kind,
    dir,
    packageName: `@acme/${name}`,
    manifestName: `@acme/${name}`,
    libraries: {},
    listedBricks: [],
    imports,
  };
}

/** A deployable project listing these bricks. */
export function project(name: string, bricks: string[]): Project {
  return {
    name,
    dir: `projects/${name}`,
    alias: undefined,
    manifestName: `@acme/${name}`,
    bricks,
    libraries: {},
    development: false,
  };
}

/** A workspace of namespace `acme` holding these bricks and projects. */
export function workspace(bricks: Brick[], projects: Project[] = [], development?: Project): Workspace {
  return {
    root: '/ws',
    config: { namespace: 'acme', ...DEFAULT_CONFIG },
    bricks,
    projects,
    development,
  };
}
