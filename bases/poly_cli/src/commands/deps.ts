import {
  brickDepsView,
  depsMatrixView,
  projectDepsView,
  renderBrickDeps,
  renderDepsMatrix,
  renderDot,
  renderJson,
  renderMermaid,
} from '@mousetrap/poly_render';
import { flagValue } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly deps`: the brick matrix, one brick's uses / used by, or one project's bricks; or a graph. */
export function deps(ctx: CommandContext): number {
  const brick = flagValue(ctx.args, 'brick');
  const project = flagValue(ctx.args, 'project');
  const format = ctx.args.flags.json ? 'json' : (flagValue(ctx.args, 'format') ?? 'table');
  const color = { color: ctx.color };
  if (format === 'mermaid') ctx.out(renderMermaid(ctx.ws, project ? { project } : {}));
  else if (format === 'dot') ctx.out(renderDot(ctx.ws, project ? { project } : {}));
  else if (brick) {
    const view = brickDepsView(ctx.ws, brick);
    ctx.out(format === 'json' ? renderJson(view) : renderBrickDeps(view, color));
  } else {
    const view = project ? projectDepsView(ctx.ws, project) : depsMatrixView(ctx.ws);
    ctx.out(format === 'json' ? renderJson(view) : renderDepsMatrix(view, color));
  }
  return EXIT.ok;
}
