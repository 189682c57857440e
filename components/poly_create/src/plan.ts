import { compareText } from '@mousetrap/workspace_model';
import { changedLines } from './line-diff.ts';

/** One file a command will write: `create` a new one or `update` an existing one, with its whole content. */
export interface PlannedFile {
  /** Relative to the workspace root, with forward slashes. */
  path: string;
  action: 'create' | 'update';
  content: string;
  /** For an update, the content the file had when the plan was made. */
  previous?: string;
}

/**
 * What a command will do, computed before anything is written, so that `--dry-run` prints it and
 * the real run writes exactly it.
 */
export interface Plan {
  /** Sorted by path. */
  files: PlannedFile[];
  /** One line per thing worth telling: what sync adds, what create skipped and why. */
  summary: string[];
}

/** Options of {@link formatPlan}. */
export interface FormatPlanOptions {
  /** Print under each file its content (a new file) or the lines it changes (an update). @default false */
  contents?: boolean;
}

/**
 * The plan as text for `--dry-run`: `create <path>` / `update <path>` lines, with `contents` the
 * new files' lines (`  | …`) and the updates' changed lines (`  - | …`, `  + | …`), then the summary.
 */
export function formatPlan(plan: Plan, options: FormatPlanOptions = {}): string {
  const lines: string[] = [];
  for (const file of plan.files) {
    lines.push(`${file.action} ${file.path}`);
    if (!options.contents) continue;
    if (file.previous === undefined) {
      lines.push(...withoutFinalNewline(file.content).map((line) => `  | ${line}`));
    } else {
      lines.push(
        ...changedLines(file.previous, file.content).map((line) => `  ${line.change} | ${line.text}`),
      );
    }
  }
  lines.push(...plan.summary);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const withoutFinalNewline = (text: string): string[] => text.replace(/\n$/, '').split('\n');

/** A plan whose files are sorted by path, so that output built from it is deterministic. */
export function sortedPlan(files: PlannedFile[], summary: string[]): Plan {
  return { files: [...files].sort((a, b) => compareText(a.path, b.path)), summary };
}
