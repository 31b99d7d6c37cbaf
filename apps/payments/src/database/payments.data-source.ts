import type { DatabaseSchema } from '@shopmesh/database';
import { CreateMessagingTables1764400000000 } from './migrations/1764400000000-create-messaging-tables';
import { CreateProviderCharges1764500000000 } from './migrations/1764500000000-create-provider-charges';
import { CreatePaymentsAndLedger1764500001000 } from './migrations/1764500001000-create-payments-and-ledger';
import { CreateOpsAudit1765000000000 } from './migrations/1765000000000-create-ops-audit';

/** Payments' own database: its entities and migrations. */
export const paymentsSchema: DatabaseSchema = {
  entities: [],
  migrations: [
    CreateMessagingTables1764400000000,
    CreateProviderCharges1764500000000,
    CreatePaymentsAndLedger1764500001000,
    CreateOpsAudit1765000000000,
  ],
};
