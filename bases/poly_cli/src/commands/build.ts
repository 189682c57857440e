import { renderJson } from '@mousetrap/poly_render';
import { buildProject } from '@mousetrap/project_build';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly build <project>|--all`: each project's bundle and pruned production manifest, with size and time. */
export async function build(ctx: CommandContext): Promise<number> {
  const [named, ...extra] = ctx.args.positionals;
  if (extra.length > 0 || (named === undefined) === (ctx.args.flags.all !== true)) {
    throw new UsageError('name one project, or --all');
  }
  const projects = named ? [resolveProject(ctx, named)] : ctx.ws.projects.map((project) => project.name);
  const reports = [];
  for (const project of projects) {
    const report = await buildProject({ root: ctx.root, project, namespace: ctx.ws.config.namespace });
    reports.push(report);
    if (!ctx.args.flags.json) {
      const libraries = Object.keys(report.dependencies).join(', ') || 'none';
      ctx.out(
        `built ${report.outfile} (${(report.bytes / 1024).toFixed(0)} KiB, ${report.milliseconds} ms; libraries: ${libraries})\n`,
      );
    }
  }
  if (ctx.args.flags.json) ctx.out(renderJson(reports));
  return EXIT.ok;
}

function resolveProject(ctx: CommandContext, name: string): string {
  const project = ctx.ws.projects.find((p) => p.name === name || p.alias === name);
  if (!project) {
    throw new UsageError(`no project "${name}"; projects: ${ctx.ws.projects.map((p) => p.name).join(', ')}`);
  }
  return project.name;
}
