export type { PolyIo } from './context.ts';
export { EXIT } from './context.ts';
export { launchFromSource } from './launch-from-source.ts';
export { runPoly } from './run-poly.ts';
