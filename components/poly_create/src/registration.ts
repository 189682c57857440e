import {
  formatJson,
  formatPackageJson,
  type JsonFile,
  readJsonFile,
  sortKeys,
  stringRecord,
} from './json-file.ts';
import { type Plan, type PlannedFile, sortedPlan } from './plan.ts';

/** A file update a new brick or project needs, or a line saying why it was skipped. */
export interface Registration {
  file?: PlannedFile;
  note?: string;
}

/** Adds the missing ones of `additions` (name → version) to a package.json's dependencies, kept sorted. */
export function addDependencies(
  root: string,
  manifestPath: string,
  additions: Record<string, string>,
): Registration {
  const file = readJsonFile(root, manifestPath);
  if (!file) return { note: `${manifestPath} not found: add ${Object.keys(additions).join(', ')} by hand` };
  const dependencies = stringRecord(file.value.dependencies);
  const missing = Object.entries(additions).filter(([name]) => !(name in dependencies));
  if (missing.length === 0) return {};
  const content = formatPackageJson({
    ...file.value,
    dependencies: sortKeys({ ...dependencies, ...Object.fromEntries(missing) }),
  });
  return { file: { path: manifestPath, action: 'update', content, previous: file.text } };
}

/**
 * Adds `dir` to the root package.json `workspaces` unless a pattern already covers it
 * (`components/*` covers `components/geo_cache`), so npm links the new package.
 */
export function registerWorkspace(root: string, dir: string): Registration {
  const file = readJsonFile(root, 'package.json');
  if (!file) return { note: `package.json not found at the root: add ${dir} to its workspaces by hand` };
  const patterns = Array.isArray(file.value.workspaces) ? file.value.workspaces : undefined;
  if (!patterns) return { note: `package.json has no workspaces array: add ${dir} to it by hand` };
  if (patterns.some((pattern) => typeof pattern === 'string' && globMatches(pattern, dir))) return {};
  const content = formatPackageJson({ ...file.value, workspaces: [...patterns, dir] });
  return { file: { path: 'package.json', action: 'update', content, previous: file.text } };
}

/**
 * Adds a brick's `src` and `test` to tsconfig.json `include` unless its patterns already cover
 * them, so `tsc` type-checks the new brick.
 */
export function registerTypeScript(root: string, dir: string): Registration {
  let file: JsonFile | undefined;
  try {
    file = readJsonFile(root, 'tsconfig.json');
  } catch {
    return {
      note: `tsconfig.json is not plain JSON: make sure its include covers ${dir}/src and ${dir}/test`,
    };
  }
  if (!file || !Array.isArray(file.value.include)) return {};
  const include: unknown[] = file.value.include;
  const missing = [`${dir}/src`, `${dir}/test`].filter(
    (folder) => !include.some((pattern) => typeof pattern === 'string' && covers(pattern, folder)),
  );
  if (missing.length === 0) return {};
  const content = formatJson({ ...file.value, include: [...include, ...missing] });
  return { file: { path: 'tsconfig.json', action: 'update', content, previous: file.text } };
}

/** True when a tsconfig include pattern takes in the files of `folder`. */
function covers(pattern: string, folder: string): boolean {
  const trimmed = pattern.replace(/^\.\//, '').replace(/\/$/, '');
  const parts = folder.split('/');
  for (let length = 1; length <= parts.length; length += 1) {
    if (globMatches(trimmed, parts.slice(0, length).join('/'))) return true;
  }
  return globMatches(trimmed, `${folder}/x.ts`) || globMatches(trimmed, `${folder}/x/x.ts`);
}

/** Matches a path against a glob where `*` is one path segment's characters and `**` any depth. */
export function globMatches(pattern: string, path: string): boolean {
  const source = pattern
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:[^/]+/)*';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`).test(path);
}

/** The plan of the new files plus the updates the registrations made, their notes as the summary. */
export function withRegistrations(files: PlannedFile[], registrations: Registration[]): Plan {
  return sortedPlan(
    [...files, ...registrations.flatMap((registration) => (registration.file ? [registration.file] : []))],
    registrations.flatMap((registration) => (registration.note ? [registration.note] : [])),
  );
}
