import { applyPlan, formatPlan, type Plan, planCreateBrick, planCreateProject } from '@mousetrap/poly_create';
import { flagValue, UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** Writes (or with --dry-run, shows) a plan, then says what to do next. */
export async function writePlan(
  ctx: Pick<CommandContext, 'args' | 'out'>,
  root: string,
  plan: Plan,
): Promise<number> {
  if (ctx.args.flags['dry-run']) {
    ctx.out(formatPlan(plan, { contents: true }));
    return EXIT.ok;
  }
  await applyPlan(root, plan);
  ctx.out(formatPlan(plan));
  ctx.out('run npm install to link it\n');
  return EXIT.ok;
}

/** `poly create component|base|project --name <n>` inside a workspace. */
export async function createInWorkspace(ctx: CommandContext): Promise<number> {
  const [what] = ctx.args.positionals;
  const name = flagValue(ctx.args, 'name');
  if (name === undefined) throw new UsageError('--name is required');
  const description = flagValue(ctx.args, 'description');
  const base = flagValue(ctx.args, 'base');
  if (base !== undefined && what !== 'project') throw new UsageError('--base goes with "create project"');
  for (const option of ['poly', 'no-git'])
    if (option in ctx.args.flags) throw new UsageError(`--${option} goes with "create workspace"`);
  const plan =
    what === 'project'
      ? planCreateProject(ctx.ws, {
          name,
          ...(base ? { base } : {}),
          ...(description ? { description } : {}),
        })
      : planCreateBrick(ctx.ws, {
          kind: what as 'component' | 'base',
          name,
          ...(description ? { description } : {}),
        });
  return writePlan(ctx, ctx.root, plan);
}
