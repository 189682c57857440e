/**
 * The toolchain a new workspace starts with: the versions this workspace is built and tested with
 * (a test keeps them equal to the root package.json's devDependencies).
 */
export const TOOLCHAIN: Readonly<Record<string, string>> = {
  '@biomejs/biome': '^2.6.8',
  '@swc/core': '^1.16.22',
  '@swc/jest': '^0.2.39',
  '@types/jest': '^30.0.0',
  '@types/node': '^20.19.0',
  jest: '^30.5.2',
  tsx: '^4.23.15',
  typescript: '^7.0.2',
};

/**
 * The poly package a new workspace lists as a devDependency, at `^version` unless `--poly` says
 * otherwise (a test keeps it equal to projects/poly/package.json).
 */
export const POLY_PACKAGE = { name: '@mousetrap/poly', version: '0.1.0' } as const;
