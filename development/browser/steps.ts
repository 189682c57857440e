/** One named check of a scenario. */
export interface Step {
  name: string;
  run(): Promise<void>;
}

/** What running a scenario's steps came to. */
export interface StepResults {
  passed: number;
  failed: number;
}

/**
 * Runs steps in order, printing each as it ends. A scenario's steps build on each other, so the
 * first failure stops the run and the steps after it count as failed (not run).
 */
export async function runSteps(steps: readonly Step[], print: (line: string) => void): Promise<StepResults> {
  let passed = 0;
  for (const [index, step] of steps.entries()) {
    const started = Date.now();
    try {
      await step.run();
      passed += 1;
      print(`  ✓ ${step.name} (${Date.now() - started} ms)`);
    } catch (error) {
      print(
        `  ✗ ${step.name} (${Date.now() - started} ms)\n      ${String(error).replaceAll('\n', '\n      ')}`,
      );
      for (const skipped of steps.slice(index + 1)) print(`  - ${skipped.name} (not run)`);
      return { passed, failed: steps.length - passed };
    }
  }
  return { passed, failed: 0 };
}
