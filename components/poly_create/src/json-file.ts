import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareText } from '@mousetrap/workspace_model';

/** A parsed JSON object whose keys we keep, in their order, when we rewrite it. */
export type JsonObject = Record<string, unknown>;

/** The workspace formatter's line width (biome.json `lineWidth`). */
const LINE_WIDTH = 110;

/**
 * package.json the way npm and Biome write it: every object and array expanded, 2-space indent,
 * a final newline.
 */
export const formatPackageJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Any other JSON file the way Biome formats it: objects expanded (or on one line for the keys in
 * `inlineObjects`, as written by hand), arrays of plain values on one line when they fit in the
 * line width, 2-space indent, a final newline. So a file we write or update passes `biome check`.
 */
export function formatJson(value: unknown, inlineObjects: ReadonlySet<unknown> = new Set()): string {
  return `${render(value, 0, 0, inlineObjects)}\n`;
}

/** `used` is how much of the line the key and indent already take, plus a trailing comma if any. */
function render(value: unknown, indent: number, used: number, inlineObjects: ReadonlySet<unknown>): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const plain = value.every((item) => typeof item !== 'object' || item === null);
    const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    if (plain && used + line.length <= LINE_WIDTH) return line;
    const items = value.map((item, index) => {
      const comma = index < value.length - 1 ? 1 : 0;
      return `${pad}${render(item, indent + 2, indent + 2 + comma, inlineObjects)}`;
    });
    return `[\n${items.join(',\n')}\n${' '.repeat(indent)}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  if (inlineObjects.has(value)) {
    return `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`).join(', ')} }`;
  }
  const lines = entries.map(([key, item], index) => {
    const prefix = `${JSON.stringify(key)}: `;
    const comma = index < entries.length - 1 ? 1 : 0;
    return `${pad}${prefix}${render(item, indent + 2, indent + 2 + prefix.length + comma, inlineObjects)}`;
  });
  return `{\n${lines.join(',\n')}\n${' '.repeat(indent)}}`;
}

/**
 * workspace.json with each project's settings written as `previous` (the file's current text) has
 * them: on one line (`"api_app": { "alias": "api" }`) or expanded. So adding a project changes
 * one line, whichever style the file is in; new or empty settings are `{}`.
 */
export function formatWorkspaceJson(config: JsonObject, previous = ''): string {
  const projects = isObject(config.projects) ? config.projects : {};
  const inline = new Set<unknown>(
    Object.entries(projects)
      .filter(([name]) =>
        new RegExp(`^\\s*${escapeRegExp(JSON.stringify(name))}:\\s*\\{.*\\}`, 'm').test(previous),
      )
      .map(([, settings]) => settings),
  );
  return formatJson(config, inline);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A JSON file as read: its text (what an update replaces) and the object it holds. */
export interface JsonFile {
  text: string;
  value: JsonObject;
}

/**
 * Reads a JSON object from a file relative to the root; undefined when the file is missing or
 * holds no object. Throws `SyntaxError` when it is not JSON.
 */
export function readJsonFile(root: string, path: string): JsonFile | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value: unknown = JSON.parse(text);
  return isObject(value) ? { text, value } : undefined;
}

/** True for a JSON object (not an array, not null). */
export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object's string values only; what package.json `dependencies` holds. */
export function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The same entries with keys in code-unit order, as npm writes dependencies. */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
