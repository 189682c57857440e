import { applyPlan, formatPlan, planSync } from '@mousetrap/poly_create';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly sync`: adds to projects the bricks and libraries their bricks need; never removes. */
export async function sync(ctx: CommandContext): Promise<number> {
  const plan = planSync(ctx.ws);
  if (plan.files.length === 0) {
    ctx.out('in sync: every project lists what its bricks need\n');
    return EXIT.ok;
  }
  if (ctx.args.flags['dry-run']) {
    ctx.out(formatPlan(plan, { contents: true }));
    return EXIT.ok;
  }
  await applyPlan(ctx.root, plan);
  ctx.out(formatPlan(plan));
  ctx.out('run npm install to link what was added\n');
  return EXIT.ok;
}
