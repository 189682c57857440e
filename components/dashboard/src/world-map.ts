import type { Place } from '@mousetrap/process_data';
import type { JobResult } from '@mousetrap/store';
import { escapeHtml } from './escape-html.ts';
import { WORLD_LAND_PATH } from './world-outline.ts';

/** Where the dashboard's pages load the map's background from (relative, so it works under / and /dashboard). */
export const WORLD_MAP_HREF = 'dashboard/assets/world.svg';

/** A point in the map's 360 × 180 box. */
export interface MapPoint {
  x: number;
  y: number;
}

/** The equirectangular projection of the map: longitude and latitude in degrees straight onto x and y. */
export function project(lat: number, lon: number): MapPoint {
  return { x: lon + 180, y: 90 - lat };
}

const round = (value: number) => Math.round(value * 100) / 100;

function graticule(): string {
  const lines: string[] = [];
  for (let lon = 30; lon < 360; lon += 30) lines.push(`M${lon} 0V180`);
  for (let lat = 30; lat < 180; lat += 30) lines.push(`M0 ${lat}H360`);
  return lines.join('');
}

/**
 * The map's background as a standalone SVG document: ocean, a 30° graticule and the land of
 * Natural Earth's 1:110m outline. Presentation attributes only (no style element), so it renders
 * under the page's Content-Security-Policy.
 */
export function renderWorldSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="720" height="360">
<rect width="360" height="180" fill="#dbeafe"/>
<path d="${graticule()}" fill="none" stroke="#93c5fd" stroke-width="0.3"/>
<path d="${WORLD_LAND_PATH}" fill="#f1efe4" stroke="#a8a29e" stroke-width="0.3" stroke-linejoin="round"/>
</svg>
`;
}

function placeMarker(place: Place, northerly: boolean): string {
  const [lat, lon, name, country] = place;
  const { x, y } = project(Number(lat), Number(lon));
  const title = escapeHtml(`${name} (${country}): ${lat}, ${lon}${northerly ? ', the most northerly' : ''}`);
  return `<circle class="place${northerly ? ' northerly' : ''}" cx="${round(x)}" cy="${round(y)}" r="${northerly ? 3.2 : 2.2}"><title>${title}</title></circle>`;
}

/** A label placed beside a point, flipped to its left near the map's right edge. */
function label(point: MapPoint, text: string, className: string): string {
  const left = point.x > 300;
  const x = round(point.x + (left ? -5 : 5));
  return `<text class="${className}" x="${x}" y="${round(point.y - 4)}" text-anchor="${left ? 'end' : 'start'}">${escapeHtml(text)}</text>`;
}

/**
 * The latest result on the world map: every fetched place, the most northerly one highlighted
 * and named, and the centroid as a cross, with a caption saying the same in words. Without a
 * result, the empty map and a hint.
 */
export function renderMapPanel(result: JobResult | undefined): string {
  const background = `<image href="${WORLD_MAP_HREF}" width="360" height="180"/>`;
  if (result === undefined) {
    return `<svg class="map" viewBox="0 0 360 180" role="img" aria-label="World map, no result yet">${background}</svg>
<p class="caption" id="map-caption">No result yet: press “Refresh data”.</p>`;
  }
  const [lat, lon] = result.centroid;
  const centroid = project(lat, lon);
  const [northLat, northLon, northName, northCountry] = result.most_northerly;
  const north = project(Number(northLat), Number(northLon));
  const others = result.places.filter((place) => place.join() !== result.most_northerly.join());
  const cx = round(centroid.x);
  const cy = round(centroid.y);
  const centroidText = `${lat.toFixed(2)}, ${lon.toFixed(2)}`;
  const description = `${result.places.length} places; centroid ${centroidText}; most northerly ${northName} (${northCountry})`;
  return `<svg class="map" viewBox="0 0 360 180" role="img" aria-label="${escapeHtml(`World map: ${description}`)}">${background}
${others.map((place) => placeMarker(place, false)).join('')}
${placeMarker(result.most_northerly, true)}${label(north, northName, 'label northerly-label')}
<g class="centroid" id="map-centroid" data-lat="${lat}" data-lon="${lon}"><title>${escapeHtml(`centroid: ${centroidText}`)}</title><path d="M${cx - 4} ${cy}H${cx + 4}M${cx} ${cy - 4}V${cy + 4}"/><circle cx="${cx}" cy="${cy}" r="1.6"/></g>${label(centroid, 'centroid', 'label centroid-label')}
</svg>
<p class="caption" id="map-caption" data-job="${escapeHtml(result.job_id)}">Job <a href="jobs/${escapeHtml(result.job_id)}"><code>${escapeHtml(result.job_id.slice(0, 8))}</code></a> at <time datetime="${escapeHtml(result.created_at)}">${escapeHtml(result.created_at.slice(11, 19))} UTC</time>: ${result.places.length} places (dots), centroid <strong id="centroid-text">${escapeHtml(centroidText)}</strong> (cross), most northerly <strong>${escapeHtml(northName)}</strong> (${escapeHtml(northCountry)}, ${escapeHtml(northLat)}°, highlighted).</p>`;
}
