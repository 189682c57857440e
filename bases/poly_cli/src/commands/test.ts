import { mapChanges } from '@mousetrap/change_impact';
import { renderTestPlan, renderTestProgress, renderTestResult } from '@mousetrap/poly_render';
import { runTests, selectTests } from '@mousetrap/test_runner';
import { flagValue } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesIfRepository, startGitHint } from './changes.ts';

/**
 * `poly test`: the tests of changed and affected bricks (or --all, --project, --brick); shows what
 * it will run, a line per finished test file, and ends with "N passed, N failed". Outside git,
 * where nothing can be compared, every test runs, as when there is no stable tag yet.
 */
export async function test(ctx: CommandContext): Promise<number> {
  const project = flagValue(ctx.args, 'project');
  const brick = flagValue(ctx.args, 'brick');
  const all = ctx.args.flags.all === true;
  const dryRun = ctx.args.flags['dry-run'] === true;
  const named = all || project !== undefined || brick !== undefined;
  const changes = named ? undefined : await changesIfRepository(ctx);
  const outsideGit = !named && changes === undefined;
  const { targets } = selectTests(ctx.ws, changes?.impact ?? mapChanges(ctx.ws, []), {
    all: all || outsideGit,
    ...(project ? { projects: [project] } : {}),
    ...(brick ? { bricks: [brick] } : {}),
  });
  ctx.out(
    renderTestPlan({
      targets,
      dryRun,
      ...(changes ? { since: changes.label } : {}),
      ...(outsideGit ? { outsideGitHint: startGitHint(ctx) } : {}),
    }),
  );
  if (dryRun) return EXIT.ok;
  const result = await runTests(ctx.root, targets, {
    env: { ...process.env, ...ctx.io.env },
    onProgress: (event) => ctx.out(renderTestProgress(event)),
  });
  ctx.out(renderTestResult(result));
  return result.failed > 0 || result.exitCode !== 0 ? EXIT.failures : EXIT.ok;
}
