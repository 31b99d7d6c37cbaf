import { ALL_COMPONENTS } from './infra-config';
import { infraDown, infraStatus, infraUp } from './index';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** `npx tsx tools/infra/cli.ts up|down|status` (npm run infra:up|infra:down|infra:status). */
async function main(command: string): Promise<void> {
  switch (command) {
    case 'up':
      await infraUp();
      return;
    case 'down': {
      const stopped = await infraDown();
      say(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing started by infra up is running');
      return;
    }
    case 'status': {
      const status = await infraStatus();
      for (const component of ALL_COMPONENTS) {
        const s = status[component];
        const by = s.startedByUs ? `started by infra up (pid ${s.pid})` : 'not started by infra up';
        say(`${component.padEnd(9)} ${s.answers ? 'reachable  ' : 'UNREACHABLE'} ${s.at.padEnd(24)} ${by}`);
      }
      return;
    }
    default:
      throw new Error('usage: npx tsx tools/infra/cli.ts up|down|status');
  }
}

main(process.argv[2] ?? '').then(
  // kafkajs and pg may leave sockets draining: do not wait for them
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`infra ${process.argv[2] ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
