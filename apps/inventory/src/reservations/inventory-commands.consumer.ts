import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CommitStock, ReleaseStock, ReserveStock } from '@shopmesh/contracts';
import { ConsumerRegistry, isMessageOf, payloadOf, type ConsumerTransaction, type Envelope } from '@shopmesh/messaging';
import { CommitStockService } from './commit-stock/commit-stock.service';
import type { StockReply } from './domain/reservation-rules';
import { RESERVATIONS_OPTIONS } from './reservations.tokens';
import { ReleaseStockService } from './release-stock/release-stock.service';
import { ReserveStockService } from './reserve-stock/reserve-stock.service';
import { replyMessage } from './stock-reply.mapper';

/** How the consumer of inventory.commands is registered (the Kafka group is `inventory.<name>`). */
export interface CommandsConsumerOptions {
  name: string;
  /**
   * Which orders this instance answers for (default: every order). Test suites share the fixed
   * topics: an instance under test answers only its own orders and skips the rest.
   */
  acceptsOrder?: (orderId: string) => boolean;
  /**
   * Where the group starts on a partition it has no committed offset for (default: its first message).
   * Not the end: a group that joined but had not committed yet (no command on that partition so far)
   * rejoins after a broker restart or a rebalance and would skip every command published meanwhile —
   * the outbox relays publish exactly then, when Kafka comes back. Tests with a fresh group on the
   * long-lived shared broker pass `false` (and wait until the group has committed).
   */
  fromBeginning?: boolean;
}

/**
 * inventory.commands → the reservation use cases; each answer goes to inventory.events through the
 * outbox, in the transaction that records the command as processed. Other message types are skipped.
 */
@Injectable()
export class InventoryCommandsConsumer implements OnModuleInit {
  private readonly logger = new Logger(InventoryCommandsConsumer.name);

  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly reserveStock: ReserveStockService,
    private readonly commitStock: CommitStockService,
    private readonly releaseStock: ReleaseStockService,
    @Inject(RESERVATIONS_OPTIONS) private readonly options: { commands: CommandsConsumerOptions },
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      name: this.options.commands.name,
      topics: [ReserveStock.topic],
      fromBeginning: this.options.commands.fromBeginning ?? true,
      handler: (envelope, tx) => this.handle(envelope, tx),
    });
  }

  async handle(envelope: Envelope, tx: ConsumerTransaction): Promise<void> {
    const reply = await this.apply(envelope, tx);
    if (reply) await tx.publish([replyMessage(reply, envelope.id)]);
  }

  private apply(envelope: Envelope, tx: ConsumerTransaction): Promise<StockReply> | undefined {
    const accepts = this.options.commands.acceptsOrder ?? (() => true);
    if (isMessageOf(ReserveStock, envelope)) {
      const { orderId, items, expiresAt } = payloadOf(ReserveStock, envelope);
      if (accepts(orderId)) return this.reserveStock.reserve(tx, { orderId, items, expiresAt: new Date(expiresAt) });
    } else if (isMessageOf(CommitStock, envelope)) {
      const { orderId } = payloadOf(CommitStock, envelope);
      if (accepts(orderId)) return this.commitStock.commit(tx, orderId);
    } else if (isMessageOf(ReleaseStock, envelope)) {
      const { orderId, reason } = payloadOf(ReleaseStock, envelope);
      if (accepts(orderId)) return this.releaseStock.release(tx, orderId, reason);
    }
    this.logger.debug(`skipping ${envelope.type} v${envelope.version} ${envelope.id} (${envelope.aggregateId})`);
    return undefined;
  }
}
