const STEP_TIMEOUT_MS = 45_000;

/**
 * What a benchmark must undo (processes, databases, files), undone in reverse order once: when it
 * ends, when it fails, and on Ctrl-C or SIGTERM (then the process exits 130 or 143). A step that
 * hangs is given up after 45 s, so the others still run.
 */
export class Teardown {
  private readonly steps: Array<{ label: string; undo: () => unknown }> = [];
  private running?: Promise<void>;

  add(label: string, undo: () => unknown): void {
    this.steps.push({ label, undo });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(step.undo),
            new Promise((_, fail) => {
              timer = setTimeout(() => fail(new Error(`still running after ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
            }),
          ]);
        } catch (error) {
          process.stderr.write(`cleanup: ${step.label} failed: ${error instanceof Error ? error.message : String(error)}\n`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.running;
  }

  /** Undoes everything on SIGINT/SIGTERM, then exits. */
  onSignals(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: stopping the benchmark's processes and dropping its databases…\n`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }
}
