export type { PolyIo } from './context.ts';
export { EXIT } from './context.ts';
export { runPoly } from './run-poly.ts';
