import { GitError, type RepositoryStart, startRepository } from '@mousetrap/git_changes';
import { applyPlan, FIRST_STABLE_TAG, formatPlan, type Plan } from '@mousetrap/poly_create';
import { flagValue, type ParsedArgs } from '../args.ts';
import { EXIT, type PolyIo } from '../context.ts';
import { POLY_PACKAGE } from '../toolchain.ts';

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

/** The poly devDependency of a new workspace: `--poly <spec>`, else `^` this poly's version. */
export const polyDevDependency = (args: ParsedArgs): Record<string, string> => ({
  [POLY_PACKAGE.name]: flagValue(args, 'poly') ?? `^${POLY_PACKAGE.version}`,
});

/**
 * Writes the plan of `poly create workspace` (with --dry-run, shows it), then, unless --no-git,
 * gives the workspace its first commit and stable tag, and says what to do next.
 */
export async function writeWorkspace(args: ParsedArgs, io: PolyIo, dir: string, plan: Plan): Promise<number> {
  const git = args.flags['no-git'] !== true;
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
