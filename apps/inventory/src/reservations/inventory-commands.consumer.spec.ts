import type { ConsumerRegistration, ConsumerRegistry } from '@shopmesh/messaging';
import type { CommitStockService } from './commit-stock/commit-stock.service';
import { InventoryCommandsConsumer, type CommandsConsumerOptions } from './inventory-commands.consumer';
import type { ReleaseStockService } from './release-stock/release-stock.service';
import type { ReserveStockService } from './reserve-stock/reserve-stock.service';

const registrationOf = (commands: CommandsConsumerOptions): ConsumerRegistration => {
  const registered: ConsumerRegistration[] = [];
  const registry = { register: (r: ConsumerRegistration) => void registered.push(r) } as unknown as ConsumerRegistry;
  new InventoryCommandsConsumer(registry, {} as ReserveStockService, {} as CommitStockService, {} as ReleaseStockService, {
    commands,
  }).onModuleInit();
  expect(registered).toHaveLength(1);
  return registered[0];
};

describe('InventoryCommandsConsumer registration', () => {
  it('reads inventory.commands from the first message where its group has no committed offset', () => {
    // from the end, a group that had not committed yet would skip, after a broker restart or a
    // rebalance, the commands the relays published meanwhile (sagas stuck until they time out)
    expect(registrationOf({ name: 'inventory-commands' })).toMatchObject({
      name: 'inventory-commands',
      topics: ['inventory.commands'],
      fromBeginning: true,
    });
  });

  it('lets a test suite with a group of its own on the shared broker start at the end', () => {
    expect(registrationOf({ name: 'inventory-commands-suite', fromBeginning: false })).toMatchObject({ fromBeginning: false });
  });
});
