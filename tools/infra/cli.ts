import { infraDown, infraStatus, infraUp } from './index';

/** `tsx tools/infra/cli.ts up|down|status` */
async function main(command: string): Promise<void> {
  switch (command) {
    case 'up': {
      const started = Date.now();
      await infraUp();
      process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      return;
    }
    case 'down': {
      const stopped = await infraDown();
      process.stdout.write(stopped.length ? `stopped: ${stopped.join(', ')}\n` : 'nothing started by infra:up is running\n');
      return;
    }
    case 'status': {
      for (const [name, s] of Object.entries(await infraStatus())) {
        process.stdout.write(
          `${name.padEnd(9)} ${s.answers ? 'up  ' : 'DOWN'} ${s.at}${s.startedByUs ? ' (started by infra:up)' : ''}\n`,
        );
      }
      return;
    }
    default:
      throw new Error('usage: infra up|down|status');
  }
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
