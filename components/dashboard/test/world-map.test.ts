import type { Place } from '@mousetrap/process_data';
import { project, renderMapPanel, renderWorldSvg, WORLD_MAP_HREF } from '../src/world-map.ts';
import { RESULT } from './fixtures.ts';

describe('project', () => {
  test.each([
    [0, 0, { x: 180, y: 90 }],
    [90, -180, { x: 0, y: 0 }],
    [-90, 180, { x: 360, y: 180 }],
    [59.9, 10.75, { x: 190.75, y: 30.1 }],
  ])('project: lat %d, lon %d lands on %o', (lat, lon, point) => {
    const { x, y } = project(lat, lon);
    expect(x).toBeCloseTo(point.x);
    expect(y).toBeCloseTo(point.y);
  });
});

describe('renderWorldSvg', () => {
  test('renderWorldSvg: is a standalone 360 × 180 SVG with land and no style element or script', () => {
    const svg = renderWorldSvg();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 360 180"/);
    expect(svg.length).toBeGreaterThan(10_000);
    expect(svg).not.toMatch(/<style|<script|style=/);
  });
});

describe('renderMapPanel', () => {
  test('renderMapPanel: marks the centroid where it projects, with its coordinates as data', () => {
    const html = renderMapPanel(RESULT);
    expect(html).toContain('id="map-centroid" data-lat="45.5" data-lon="5.25"');
    expect(html).toContain('<circle cx="185.25" cy="44.5" r="1.6"/>');
    expect(html).toContain('<strong id="centroid-text">45.50, 5.25</strong>');
    expect(html).toContain(`href="${WORLD_MAP_HREF}"`);
  });

  test('renderMapPanel: draws every place once, the most northerly highlighted and named', () => {
    const html = renderMapPanel(RESULT);
    expect(html.match(/class="place"/g)).toHaveLength(2);
    expect(html.match(/class="place northerly"/g)).toHaveLength(1);
    expect(html).toContain('<circle class="place northerly" cx="190.75" cy="30.08" r="3.2">');
    expect(html).toContain('>Oslo</text>');
  });

  test('renderMapPanel: puts the label of a point near the right edge on its left', () => {
    const east = { ...RESULT, centroid: [0, 170] as [number, number] };
    expect(renderMapPanel(east)).toContain('x="345" y="86" text-anchor="end">centroid</text>');
  });

  test('renderMapPanel: escapes place names', () => {
    const odd = { ...RESULT, most_northerly: ['70', '20', '<b>Tromsø</b>', 'NO', 'Europe/Oslo'] as Place };
    const html = renderMapPanel({ ...odd, places: [odd.most_northerly] });
    expect(html).toContain('&lt;b&gt;Tromsø&lt;/b&gt;');
    expect(html).not.toContain('<b>');
  });

  test('renderMapPanel: without a result, shows the bare map and how to get one', () => {
    const html = renderMapPanel(undefined);
    expect(html).toContain('No result yet');
    expect(html).not.toContain('map-centroid');
  });
});
