/** The legend's note on which imports a dependency view counted. */
export function countedImports(runtimeOnly: boolean): string {
  return runtimeOnly ? 'run-time imports only' : 'every import: src, types and tests';
}
