import { compareText, type Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/**
 * P301: a library is asked for with one version range everywhere (bricks and projects). Each
 * drifting library is reported once, at the first package.json that departs from its most used range.
 */
export function checkVersions(ws: Workspace): Diagnostic[] {
  // library → range → folders asking for it
  const ranges = new Map<string, Map<string, string[]>>();
  const packages = [...ws.bricks, ...ws.projects, ...(ws.development === undefined ? [] : [ws.development])];
  for (const { dir, libraries } of packages) {
    for (const [library, range] of Object.entries(libraries)) {
      const byRange = ranges.get(library) ?? new Map<string, string[]>();
      byRange.set(range, [...(byRange.get(range) ?? []), dir]);
      ranges.set(library, byRange);
    }
  }
  const found: Diagnostic[] = [];
  for (const [library, byRange] of ranges) {
    if (byRange.size < 2) continue;
    const entries = [...byRange]
      .map(([range, dirs]) => [range, dirs.sort(compareText)] as const)
      .sort(([a], [b]) => compareText(a, b));
    const common = [...entries].sort(([, a], [, b]) => b.length - a.length)[0]?.[0];
    const outliers = entries.filter(([range]) => range !== common).flatMap(([, dirs]) => dirs);
    const where = entries.map(([range, dirs]) => `"${range}" in ${dirs.join(', ')}`).join('; ');
    found.push(
      diagnostic(
        'P301',
        `library "${library}" has different version ranges: ${where}`,
        `${outliers.sort(compareText)[0]}/package.json`,
      ),
    );
  }
  return found;
}
