/** A bad flag: printed with the usage (other failures are printed alone). */
export class UsageError extends Error {}

/** `90s`, `2m`, `500ms`, `1h`, or plain milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 60s, 2m or 500ms, got "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** A flag's positive number, or `fallback` when it is absent. */
export const positive = (value: string | undefined, fallback: number, flag: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`${flag}: expected a positive number, got "${value}"`);
  return n;
};

/**
 * Runs a command's `main` and exits with its code; a failure exits 2 with its message, and the
 * usage after it when a flag was bad.
 */
export function runCli(main: (argv: string[]) => Promise<number>, usage: string): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const bad = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${bad ? `${usage}\n` : ''}`);
      process.exit(2);
    },
  );
}
