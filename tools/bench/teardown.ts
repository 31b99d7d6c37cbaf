/**
 * What a benchmark must undo (processes, databases, files), undone in reverse order once: when it
 * ends, when it fails, and on Ctrl-C or SIGTERM (then the process exits 130 or 143).
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
        try {
          await step.undo();
        } catch (error) {
          process.stderr.write(`cleanup: ${step.label} failed: ${error instanceof Error ? error.message : String(error)}\n`);
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
