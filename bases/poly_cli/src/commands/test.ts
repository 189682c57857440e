import { mapChanges } from '@mousetrap/change_impact';
import { formatSummary, runTests, selectTests } from '@mousetrap/test_runner';
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
  const named = all || project !== undefined || brick !== undefined;
  const changes = named ? undefined : await changesIfRepository(ctx);
  const outsideGit = !named && changes === undefined;
  const selection = selectTests(ctx.ws, changes?.impact ?? mapChanges(ctx.ws, []), {
    all: all || outsideGit,
    ...(project ? { projects: [project] } : {}),
    ...(brick ? { bricks: [brick] } : {}),
  });
  const { targets } = selection;
  if (changes) ctx.out(`changes since ${changes.label}\n`);
  if (outsideGit) ctx.out(`no git repository, so every test runs (${startGitHint(ctx)})\n`);
  ctx.out(
    targets.length === 0
      ? 'nothing to test\n'
      : `${ctx.args.flags['dry-run'] ? 'would run' : 'running'} the tests of ${targets.length} ${targets.length === 1 ? 'folder' : 'folders'}:\n${targets.map((t) => `  ${t.dir} (${t.reason})\n`).join('')}`,
  );
  if (ctx.args.flags['dry-run']) return EXIT.ok;
  const result = await runTests(ctx.root, targets, {
    env: { ...process.env, ...ctx.io.env },
    onProgress: (event) => {
      if (event.kind === 'start') ctx.out(`${event.files} test files\n`);
      else
        ctx.out(
          `${event.status === 'passed' ? 'PASS' : 'FAIL'} ${event.file} (${event.passed} passed, ${event.failed} failed, ${event.milliseconds} ms)\n`,
        );
    },
  });
  for (const failure of result.failedTests) {
    ctx.out(`\nFAILED ${failure.file}${failure.name ? ` › ${failure.name}` : ''}\n${failure.message}\n`);
  }
  ctx.out(`\n${formatSummary(result)}\n`);
  return result.failed > 0 || result.exitCode !== 0 ? EXIT.failures : EXIT.ok;
}
