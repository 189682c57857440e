/**
 * Where a CPU profile's time went: self time by package (a library under node_modules, Node's own
 * modules, our bundle) and by function, and time including callees by function. For the profiles
 * `bench/pipeline/run.ts --cpu-prof` writes.
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [rows]
 */
import { readFile } from 'node:fs/promises';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfMicros = new Map<number, number>();
let totalMicros = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  totalMicros += delta;
});

const functionOf = (id: number) => {
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return '(unknown)';
  return `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
};
const packageOf = (id: number) => {
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return '(unknown)';
  const library = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  if (library) return library;
  if (frame.url.startsWith('node:')) return frame.url;
  if (frame.url.includes('/dist/main.js')) return 'our bundle';
  return frame.functionName || '(native)';
};

const add = (totals: Map<string, number>, key: string, micros: number) =>
  totals.set(key, (totals.get(key) ?? 0) + micros);
const byPackage = new Map<string, number>();
const bySelf = new Map<string, number>();
const byTotal = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  add(byPackage, packageOf(id), micros);
  add(bySelf, functionOf(id), micros);
  // Each function on the sampled stack counts once, however often it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const name = functionOf(at);
    if (!seen.has(name)) add(byTotal, name, micros);
    seen.add(name);
  }
}

const print = (title: string, totals: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    const ms = (micros / 1000).toFixed(0).padStart(7);
    const share = ((100 * micros) / totalMicros).toFixed(1).padStart(5);
    console.log(`${ms} ms ${share}%  ${key}`);
  }
};
console.log(`${file}: ${(totalMicros / 1000).toFixed(0)} ms sampled`);
print('self time by package', byPackage);
print('self time by function', bySelf);
print('time including callees, by function', byTotal);
