/** Orders strings by UTF-16 code units, the same on every machine and locale (unlike `localeCompare`). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of a string → string record with its keys sorted, so that its JSON is deterministic. */
export function sortRecord(record: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareText)) sorted[key] = record[key] as string;
  return sorted;
}
