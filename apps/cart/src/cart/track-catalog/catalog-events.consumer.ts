import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ProductDeactivated, ProductPriceChanged } from '@shopmesh/contracts';
import { ConsumerRegistry, isMessageOf, payloadOf, type Envelope } from '@shopmesh/messaging';
import type { CatalogChange } from '../domain/catalog-change';
import { CATALOG_CONSUMER } from '../cart.tokens';
import { TrackCatalogService } from './track-catalog.service';

/** How the consumer of catalog.events is registered (the Kafka group is `cart.<name>`). */
export interface CatalogConsumerOptions {
  name: string;
  fromBeginning?: boolean;
}

/** catalog.events → cart lines: price changes and withdrawals; every other message is skipped. */
@Injectable()
export class CatalogEventsConsumer implements OnModuleInit {
  private readonly logger = new Logger(CatalogEventsConsumer.name);

  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly tracking: TrackCatalogService,
    @Inject(CATALOG_CONSUMER) private readonly options: CatalogConsumerOptions,
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      name: this.options.name,
      topics: [ProductPriceChanged.topic],
      fromBeginning: this.options.fromBeginning,
      selfIdempotentHandler: (envelope) => this.handle(envelope),
    });
  }

  async handle(envelope: Envelope): Promise<void> {
    const change = changeOf(envelope);
    if (!change) {
      this.logger.debug(`skipping ${envelope.type} v${envelope.version} ${envelope.id}`);
      return;
    }
    await this.tracking.apply(change);
  }
}

function changeOf(envelope: Envelope): CatalogChange | undefined {
  if (isMessageOf(ProductPriceChanged, envelope)) {
    const { productId, price, productVersion } = payloadOf(ProductPriceChanged, envelope);
    return { kind: 'price', productId, price, productVersion };
  }
  if (isMessageOf(ProductDeactivated, envelope)) {
    return { kind: 'withdrawn', productId: payloadOf(ProductDeactivated, envelope).productId };
  }
  return undefined;
}
