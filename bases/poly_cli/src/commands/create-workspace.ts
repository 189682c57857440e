import { resolve } from 'node:path';
import { GitError, type RepositoryStart, startRepository } from '@mousetrap/git_changes';
import { applyPlan, FIRST_STABLE_TAG, formatPlan, planCreateWorkspace } from '@mousetrap/poly_create';
import { flagValue, type ParsedArgs, UsageError } from '../args.ts';
import { EXIT, type PolyIo } from '../context.ts';
import { POLY_PACKAGE, TOOLCHAIN } from '../toolchain.ts';

const FIRST_COMMIT = 'A new workspace, from poly create workspace';
const startByHand = `git init && git add -A && git commit -m "${FIRST_COMMIT}" && git tag ${FIRST_STABLE_TAG}`;

/** What each outcome of the git step says, and whether it is a warning (stderr) or news (stdout). */
function gitReport(start: RepositoryStart | undefined): { text: string; warning: boolean } {
  if (start === undefined) {
    return {
      text: `git: not started (--no-git); until it is, poly info shows no changes and poly test runs every test: ${startByHand}`,
      warning: false,
    };
  }
  if (start.kind === 'committed') {
    const made = start.initialised ? 'initialised a repository, committed' : 'committed';
    return { text: `git: ${made} the workspace and tagged it ${start.tag}`, warning: false };
  }
  if (start.kind === 'inside') {
    return {
      text: `git: inside the repository at ${start.top}, left as it is: commit the workspace there`,
      warning: false,
    };
  }
  return {
    text: `git has no user.name and user.email to commit with: the workspace is not committed; set them (git config --global user.name …), then ${startByHand.replace('git init && ', '')}`,
    warning: true,
  };
}

/**
 * `poly create workspace --name <ns> [--poly <spec>] [--no-git]` in the current folder: writes
 * the workspace with poly as a devDependency, then gives it its first commit and stable tag.
 */
export async function createWorkspace(args: ParsedArgs, io: PolyIo): Promise<number> {
  const name = flagValue(args, 'name');
  if (name === undefined) throw new UsageError('--name is required');
  const poly = flagValue(args, 'poly') ?? `^${POLY_PACKAGE.version}`;
  const git = args.flags['no-git'] !== true;
  const dir = resolve(io.cwd);
  const plan = planCreateWorkspace({ dir, name, toolchain: { ...TOOLCHAIN, [POLY_PACKAGE.name]: poly } });
  if (args.flags['dry-run']) {
    io.stdout.write(formatPlan(plan, { contents: true }));
    if (git) io.stdout.write(`git: would commit the workspace and tag it ${FIRST_STABLE_TAG}\n`);
    return EXIT.ok;
  }
  await applyPlan(dir, plan);
  io.stdout.write(formatPlan(plan));
  let start: RepositoryStart | undefined;
  try {
    start = git ? await startRepository(dir, { message: FIRST_COMMIT, tag: FIRST_STABLE_TAG }) : undefined;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    io.stderr.write(`poly: the workspace is written, but git failed: ${error.message}\n`);
    return EXIT.failures;
  }
  const report = gitReport(start);
  (report.warning ? io.stderr : io.stdout).write(`${report.warning ? 'poly: ' : ''}${report.text}\n`);
  io.stdout.write('next: npm install, then npm run poly -- create component --name <name>\n');
  return EXIT.ok;
}
