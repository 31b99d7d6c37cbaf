import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type ChargeRecord,
  type RefundOutcome,
  type RefundRequest,
} from './payment-provider';
import type { PaymentProvider } from './provider-client';
import { behaviourOf } from './token-rules';

interface ChargeRow {
  idempotency_key: string;
  order_id: string;
  token: string;
  amount: string;
  currency: string;
  status: ChargeRecord['status'];
  decline_reason: string | null;
  attempts: number;
  charge_id: string | null;
  refunded_amount: string;
}

const CHARGE_COLUMNS = `idempotency_key, order_id, token, amount, currency, status, decline_reason, attempts, charge_id, refunded_amount`;

/**
 * The payment service provider, simulated (see `token-rules.ts` for how it answers each token).
 * It stands for an external system: it keeps its own table (`provider_charges`, `provider_refunds`)
 * and writes it in its own autocommit statements and transactions, never in the caller's, so it
 * remembers what it charged even if the caller crashes before committing. Every call is idempotent
 * by key: a second call with the same key returns the first outcome and never charges again.
 */
@Injectable()
export class SimulatedProvider implements PaymentProvider {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Authorizes and captures. `signal` is the caller giving up: a call that never answers
   * (`tok_timeout`) ends with {@link ProviderTimeoutError} when it aborts, having charged nothing.
   */
  async authorize(request: AuthorizeRequest, signal?: AbortSignal): Promise<AuthorizeOutcome> {
    const [row] = await this.dataSource.query<ChargeRow[]>(
      `INSERT INTO provider_charges (idempotency_key, order_id, token, amount, currency, status, attempts)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', 1)
       ON CONFLICT (idempotency_key) DO UPDATE SET attempts = provider_charges.attempts + 1, updated_at = now()
       RETURNING ${CHARGE_COLUMNS}`,
      [request.idempotencyKey, request.orderId, request.token, request.amount.amount, request.amount.currency],
    );
    if (!row) throw new ProviderUnavailableError('the provider gave no answer');
    if (!sameRequest(row, request)) {
      throw new ProviderRejectedError(`idempotency key ${request.idempotencyKey} was used for another request`);
    }
    if (row.status !== 'PENDING') return outcomeOf(row, true);
    const behaviour = behaviourOf(row.token, row.attempts);
    switch (behaviour.kind) {
      case 'approve':
        return this.decide(row, 'APPROVED', randomUUID(), null);
      case 'decline':
        return this.decide(row, 'DECLINED', null, behaviour.reason);
      case 'fail-transiently':
        throw new ProviderUnavailableError(`transient failure (call ${row.attempts} of ${request.idempotencyKey})`);
      case 'never-answer':
        return neverAnswer(signal);
    }
  }

  /** Gives back (part of) an approved charge, once per key. */
  async refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // the charge's lock serialises refunds of one charge, so two calls with one key cannot both refund
      const [charge] = await manager.query<ChargeRow[]>(
        `SELECT ${CHARGE_COLUMNS} FROM provider_charges WHERE charge_id = $1 FOR UPDATE`,
        [request.chargeId],
      );
      if (!charge || charge.status !== 'APPROVED') throw new ProviderRejectedError(`no approved charge ${request.chargeId}`);
      if (charge.currency !== request.amount.currency)
        throw new ProviderRejectedError(`charge ${request.chargeId} is in ${charge.currency}`);
      const [previous] = await manager.query<Array<{ refund_id: string; charge_id: string; amount: string }>>(
        `SELECT refund_id, charge_id, amount FROM provider_refunds WHERE idempotency_key = $1`,
        [request.idempotencyKey],
      );
      if (previous) {
        if (previous.charge_id !== request.chargeId || Number(previous.amount) !== request.amount.amount)
          throw new ProviderRejectedError(`idempotency key ${request.idempotencyKey} was used for another refund`);
        return { refundId: previous.refund_id, chargeId: previous.charge_id, amount: request.amount, replayed: true };
      }
      if (Number(charge.refunded_amount) + request.amount.amount > Number(charge.amount))
        throw new ProviderRejectedError(`refund exceeds what is left of charge ${request.chargeId}`);
      const refundId = randomUUID();
      await manager.query(
        `INSERT INTO provider_refunds (idempotency_key, refund_id, charge_id, amount) VALUES ($1, $2, $3, $4)`,
        [request.idempotencyKey, refundId, request.chargeId, request.amount.amount],
      );
      await manager.query(
        `UPDATE provider_charges SET refunded_amount = refunded_amount + $2, updated_at = now() WHERE charge_id = $1`,
        [request.chargeId, request.amount.amount],
      );
      return { refundId, chargeId: request.chargeId, amount: request.amount, replayed: false };
    });
  }

  /** What the provider knows of an authorization key (a merchant looking a payment up by its reference). */
  async find(idempotencyKey: string): Promise<ChargeRecord | undefined> {
    const [row] = await this.dataSource.query<ChargeRow[]>(
      `SELECT ${CHARGE_COLUMNS} FROM provider_charges WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return row && recordOf(row);
  }

  private async decide(
    row: ChargeRow,
    status: 'APPROVED' | 'DECLINED',
    chargeId: string | null,
    reason: string | null,
  ): Promise<AuthorizeOutcome> {
    const [[decided]] = await this.dataSource.query<[ChargeRow[], number]>(
      `UPDATE provider_charges SET status = $2, charge_id = $3, decline_reason = $4, updated_at = now()
        WHERE idempotency_key = $1 AND status = 'PENDING' RETURNING ${CHARGE_COLUMNS}`,
      [row.idempotency_key, status, chargeId, reason],
    );
    if (decided) return outcomeOf(decided, false);
    // a concurrent call with the same key decided first: answer what it decided
    const [current] = await this.dataSource.query<ChargeRow[]>(
      `SELECT ${CHARGE_COLUMNS} FROM provider_charges WHERE idempotency_key = $1`,
      [row.idempotency_key],
    );
    if (!current || current.status === 'PENDING') throw new ProviderUnavailableError('the provider gave no answer');
    return outcomeOf(current, true);
  }
}

const sameRequest = (row: ChargeRow, request: AuthorizeRequest): boolean =>
  row.order_id === request.orderId &&
  row.token === request.token &&
  Number(row.amount) === request.amount.amount &&
  row.currency === request.amount.currency;

const recordOf = (row: ChargeRow): ChargeRecord => ({
  idempotencyKey: row.idempotency_key,
  orderId: row.order_id,
  status: row.status,
  chargeId: row.charge_id,
  amount: { amount: Number(row.amount), currency: row.currency },
  refunded: Number(row.refunded_amount),
  attempts: row.attempts,
});

function outcomeOf(row: ChargeRow, replayed: boolean): AuthorizeOutcome {
  if (row.status === 'APPROVED' && row.charge_id)
    return {
      kind: 'approved',
      chargeId: row.charge_id,
      amount: { amount: Number(row.amount), currency: row.currency },
      replayed,
    };
  return { kind: 'declined', reason: row.decline_reason ?? 'DECLINED', replayed };
}

/** A call that hangs until the caller gives up. */
function neverAnswer(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const giveUp = () => reject(new ProviderTimeoutError('the provider did not answer'));
    if (signal?.aborted) giveUp();
    else signal?.addEventListener('abort', giveUp, { once: true });
  });
}
