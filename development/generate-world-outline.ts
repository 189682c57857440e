/**
 * Writes components/dashboard/src/world-outline.ts, the coastline the dashboard's map draws, from
 * the `land` object of world-atlas's land-110m.json (Natural Earth 1:110m land, as TopoJSON): every
 * ring decoded, projected equirectangularly onto a 360 × 180 box and thinned to points at least
 * MIN_STEP degrees apart, so the shipped path stays small; rings that cross the antimeridian are
 * cut there.
 *
 * The data is not a dependency of the workspace; fetch the package once to run this:
 *   (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
 *   npx tsx development/generate-world-outline.ts /tmp/package/land-110m.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TARGET = new URL('../components/dashboard/src/world-outline.ts', import.meta.url);

/** Points of a ring closer than this to the last kept one (in degrees) are dropped. */
const MIN_STEP = 1;

type Position = [number, number];

/** The parts of a TopoJSON topology this script reads (quantized, with a transform). */
interface Topology {
  transform: { scale: Position; translate: Position };
  arcs: Position[][];
  objects: { land: { geometries: { type: string; arcs: number[][][] }[] } };
}

/** Undoes the delta encoding and quantization of one arc: absolute [lon, lat] in degrees. */
function decodeArc(topology: Topology, arc: readonly Position[]): Position[] {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
}

/** Joins a ring's arcs; a negative index `~i` means arc i reversed. Shared end points appear once. */
function ring(topology: Topology, arcIndexes: readonly number[]): Position[] {
  const points: Position[] = [];
  for (const index of arcIndexes) {
    const arc = topology.arcs[index < 0 ? ~index : index];
    if (!arc) throw new Error(`the topology has no arc ${index}`);
    const decoded = decodeArc(topology, arc);
    if (index < 0) decoded.reverse();
    points.push(...(points.length > 0 ? decoded.slice(1) : decoded));
  }
  return points;
}

/**
 * Unwraps a ring's longitudes so that no step is longer than 180°: a ring that crosses the
 * antimeridian (Chukotka, Fiji) then runs past ±180 instead of jumping across the whole map.
 */
function unwrap(points: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const [lon, lat] of points) {
    const previous = out.at(-1)?.[0] ?? lon;
    out.push([lon + 360 * Math.round((previous - lon) / 360), lat]);
  }
  return out;
}

/** Clips a ring to one side of the meridian `at` (Sutherland–Hodgman against a half-plane). */
function clip(points: readonly Position[], at: number, keepEast: boolean): Position[] {
  const inside = ([lon]: Position) => (keepEast ? lon >= at : lon <= at);
  const cut = ([lon1, lat1]: Position, [lon2, lat2]: Position): Position => [
    at,
    lat1 + ((at - lon1) / (lon2 - lon1)) * (lat2 - lat1),
  ];
  const out: Position[] = [];
  points.forEach((point, index) => {
    const previous = points.at(index - 1) ?? point;
    if (inside(point)) {
      if (!inside(previous)) out.push(cut(previous, point));
      out.push(point);
    } else if (inside(previous)) {
      out.push(cut(previous, point));
    }
  });
  return out;
}

const shift = (points: readonly Position[], by: number): Position[] =>
  points.map(([lon, lat]) => [lon + by, lat]);

/**
 * Splits a ring that crosses the antimeridian (an even number of jumps over 180°) into the parts
 * on either side, each moved onto the map; other rings, Antarctica's included (it runs round
 * the pole, one jump), stay as they are.
 */
function onTheMap(points: readonly Position[]): Position[][] {
  const jumps = points.filter((point, i) => i > 0 && Math.abs(point[0] - (points[i - 1]?.[0] ?? 0)) > 180);
  if (jumps.length === 0 || jumps.length % 2 === 1) return [[...points]];
  const ring = unwrap(points);
  return [
    clip(clip(ring, -180, true), 180, false),
    shift(clip(ring, 180, true), -360),
    shift(clip(ring, -180, false), 360),
  ];
}

/** Keeps the points at least MIN_STEP from the previous kept one; rings too small to see vanish. */
function thin(points: readonly Position[]): Position[] {
  const kept: Position[] = [];
  for (const point of points) {
    const last = kept.at(-1);
    if (!last || Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_STEP) kept.push(point);
  }
  return kept.length >= 4 ? kept : [];
}

/** One ring as SVG path commands in the equirectangular 360 × 180 box (x = lon + 180, y = 90 − lat). */
function pathOf(points: readonly Position[]): string {
  const xy = points.map(([lon, lat]) => `${round(lon + 180)} ${round(90 - lat)}`);
  return `M${xy.join('L')}Z`;
}

const round = (value: number) => String(Math.round(value * 10) / 10);

function main(): void {
  const source = process.argv[2];
  if (!source) throw new Error('usage: npx tsx development/generate-world-outline.ts path/to/land-110m.json');
  const topology = JSON.parse(readFileSync(source, 'utf8')) as Topology;
  const rings = topology.objects.land.geometries
    .flatMap((geometry) => (geometry.type === 'MultiPolygon' ? geometry.arcs : []))
    .flatMap((polygon) => polygon.flatMap((arcIndexes) => onTheMap(ring(topology, arcIndexes))))
    .map(thin)
    .filter((points) => points.length > 0);
  const path = rings.map(pathOf).join('');
  writeFileSync(
    TARGET,
    [
      '// Generated by development/generate-world-outline.ts from world-atlas 2.0.2 land-110m.json.',
      '// Made with Natural Earth (naturalearthdata.com): its data is in the public domain.',
      `// Equirectangular, ${topology.objects.land.geometries.length} geometry, ${rings.length} rings, thinned to ${MIN_STEP}° steps.`,
      '// Do not edit by hand; regenerate with the command at the top of that script.',
      '',
      '/** The land masses as one SVG path in a 360 × 180 box: x = longitude + 180, y = 90 − latitude. */',
      `export const WORLD_LAND_PATH =\n  '${path}';`,
      '',
    ].join('\n'),
  );
  console.log(`wrote ${rings.length} rings (${path.length} characters) to ${fileURLToPath(TARGET)}`);
}

main();
