import { renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesIfRepository, startGitHint } from './changes.ts';

/**
 * `poly diff`: changed files mapped to bricks and projects, with what they affect transitively.
 * Outside git there is nothing to compare with: a configuration error (exit 2).
 */
export async function diff(ctx: CommandContext): Promise<number> {
  const changes = await changesIfRepository(ctx);
  if (changes === undefined) {
    ctx.err(
      `diff compares with git history, and ${ctx.root} is not in a git repository: ${startGitHint(ctx)}`,
    );
    return EXIT.usage;
  }
  const { label, files, impact } = changes;
  const { bricks, projects, short, json } = ctx.args.flags;
  const both = !bricks && !projects;
  const sections: [string, string[]][] = [
    ...(both || bricks
      ? ([
          ['changed bricks', impact.changedBricks],
          ['affected bricks', impact.affectedBricks],
        ] as [string, string[]][])
      : []),
    ...(both || projects
      ? ([
          ['changed projects', impact.changedProjects],
          ['affected projects', impact.affectedProjects],
        ] as [string, string[]][])
      : []),
  ];
  if (json) {
    ctx.out(renderJson({ since: label, files, ...impact }));
  } else if (short) {
    const names = [...new Set(sections.flatMap(([, list]) => list))].sort();
    ctx.out(names.map((name) => `${name}\n`).join(''));
  } else {
    const width = Math.max(...sections.map(([title]) => title.length)) + 1;
    ctx.out(`since ${label}: ${files.length} changed ${files.length === 1 ? 'file' : 'files'}\n`);
    if (impact.workspaceFiles.length > 0) {
      ctx.out(`workspace files changed (${impact.workspaceFiles.join(', ')}): everything is affected\n`);
    }
    for (const [title, list] of sections) {
      ctx.out(`${`${title}:`.padEnd(width)} ${list.length > 0 ? list.join(', ') : '(none)'}\n`);
    }
  }
  return EXIT.ok;
}
