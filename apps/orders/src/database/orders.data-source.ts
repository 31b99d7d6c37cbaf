import type { DatabaseSchema } from '@shopmesh/database';
import { CreateMessagingTables1764300000000 } from './migrations/1764300000000-create-messaging-tables';
import { CreateOrders1764300001000 } from './migrations/1764300001000-create-orders';
import { AddOrderTraceId1764300002000 } from './migrations/1764300002000-add-order-trace-id';
import { CreateOpsAudit1765000000000 } from './migrations/1765000000000-create-ops-audit';
import { AddOrderOrigin1766000000000 } from './migrations/1766000000000-add-order-origin';

/** Orders' own database: its entities and migrations. */
export const ordersSchema: DatabaseSchema = {
  entities: [],
  migrations: [
    CreateMessagingTables1764300000000,
    CreateOrders1764300001000,
    AddOrderTraceId1764300002000,
    CreateOpsAudit1765000000000,
    AddOrderOrigin1766000000000,
  ],
};
