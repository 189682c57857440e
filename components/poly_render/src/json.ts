/** One JSON document for `--json` and `poly ws`: two-space indent, newline-terminated, so output diffs cleanly. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
