import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ProductCreated } from '@shopmesh/contracts';
import { ConsumerRegistry, isMessageOf, payloadOf, type ConsumerTransaction, type Envelope } from '@shopmesh/messaging';
import { StockStore } from '../stock.store';
import { STOCK_OPTIONS } from '../stock.tokens';

/** How the consumer of catalog.events is registered (the Kafka group is `inventory.<name>`). */
export interface CatalogConsumerOptions {
  name: string;
  /** Read catalog.events from its first message when the group is new (default true: every product gets a row). */
  fromBeginning?: boolean;
  /** Which SKUs this instance tracks (default: all). Test suites share the fixed topics and track only their own. */
  acceptsSku?: (sku: string) => boolean;
}

/**
 * catalog.events → a stock row at 0 for each product created; a replay or a late event never
 * resets stock an admin set meanwhile. Other message types are skipped.
 */
@Injectable()
export class CatalogEventsConsumer implements OnModuleInit {
  private readonly logger = new Logger(CatalogEventsConsumer.name);

  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly store: StockStore,
    @Inject(STOCK_OPTIONS) private readonly options: { catalog: CatalogConsumerOptions },
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      name: this.options.catalog.name,
      topics: [ProductCreated.topic],
      fromBeginning: this.options.catalog.fromBeginning ?? true,
      handler: (envelope, tx) => this.handle(envelope, tx),
    });
  }

  async handle(envelope: Envelope, tx: ConsumerTransaction): Promise<void> {
    if (isMessageOf(ProductCreated, envelope)) {
      const { productId, sku } = payloadOf(ProductCreated, envelope);
      if (this.options.catalog.acceptsSku?.(sku) ?? true) return this.store.trackProduct(tx, sku, productId);
    }
    this.logger.debug(`skipping ${envelope.type} v${envelope.version} ${envelope.id}`);
  }
}
