import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppError } from '@shopmesh/errors';
import { DataSource } from 'typeorm';
import type { SqlRunner } from '../checkout-saga/saga-repository';
import { decideOnExistingKey, type ExistingKey, type IdempotencyScope } from './key-decision';

export const IDEMPOTENCY_TTL_HOURS = Symbol('IDEMPOTENCY_TTL_HOURS');
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1000;

/** A key this request holds: the answer is stored with `complete` in the request's own transaction. */
export interface KeyClaim {
  userId: string;
  key: string;
  token: string;
}

export type ClaimOutcome = { kind: 'claimed'; claim: KeyClaim } | { kind: 'replay'; status: number; body: unknown };

interface KeyRow {
  scope: IdempotencyScope;
  request_hash: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  claim_token: string;
  response_status: number | null;
  response_body: unknown;
  updated_at: Date;
  expires_at: Date;
  db_now: Date;
}

/**
 * Idempotency keys of the POSTs, per (user, key), in orders' database: a request claims its key
 * (`IN_PROGRESS`) in a short transaction of its own, and its answer is stored (`COMPLETED`) in the
 * transaction that places the order, so an order and the answer that names it commit together.
 * A request that fails before that releases its key (the client may retry, with a fixed body).
 * Expired keys are swept every minute.
 */
@Injectable()
export class IdempotencyKeys implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeys.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(IDEMPOTENCY_TTL_HOURS) private readonly ttlHours: number,
  ) {}

  /**
   * Claims the key for this request, or says what to answer instead: the stored answer (a retry),
   * `IDEMPOTENCY.KEY_REUSED` (another body) or `IDEMPOTENCY.IN_PROGRESS` (a concurrent duplicate).
   */
  async claim(userId: string, key: string, scope: IdempotencyScope, requestHash: string): Promise<ClaimOutcome> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const token = randomUUID();
      const inserted = await this.dataSource.query<{ claim_token: string }[]>(
        `INSERT INTO idempotency_keys (user_id, key, scope, request_hash, state, claim_token, expires_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', $5, now() + make_interval(hours => $6))
         ON CONFLICT (user_id, key) DO NOTHING RETURNING claim_token`,
        [userId, key, scope, requestHash, token, this.ttlHours],
      );
      if (inserted.length === 1) return { kind: 'claimed', claim: { userId, key, token } };
      const [row] = await this.dataSource.query<KeyRow[]>(
        `SELECT scope, request_hash, state, claim_token, response_status, response_body, updated_at, expires_at, now() AS db_now
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
        [userId, key],
      );
      if (!row) continue; // released meanwhile: claim again
      const decision = decideOnExistingKey(existingOf(row), { scope, requestHash }, row.db_now);
      switch (decision.kind) {
        case 'replay':
          return decision;
        case 'reused':
          throw new AppError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with another request body');
        case 'in-progress':
          throw inProgress();
        case 'take-over': {
          const taken = await this.dataSource.query<{ claim_token: string }[]>(
            `WITH taken AS (
               UPDATE idempotency_keys SET scope = $4, request_hash = $5, state = 'IN_PROGRESS', claim_token = $6,
                 response_status = NULL, response_body = NULL, order_id = NULL, created_at = now(), updated_at = now(),
                 expires_at = now() + make_interval(hours => $7)
               WHERE user_id = $1 AND key = $2 AND claim_token = $3 RETURNING claim_token)
             SELECT claim_token FROM taken`,
            [userId, key, row.claim_token, scope, requestHash, token, this.ttlHours],
          );
          if (taken.length === 1) {
            this.logger.warn(`took over idempotency key of user ${userId} (expired or abandoned claim)`);
            return { kind: 'claimed', claim: { userId, key, token } };
          }
        }
      }
    }
    throw inProgress();
  }

  /** Stores the answer in the caller's transaction; fails (rolling it back) if the claim was taken over meanwhile. */
  async complete(sql: SqlRunner, claim: KeyClaim, status: number, body: unknown, orderId: string | null): Promise<void> {
    const [result] = await sql.query<{ n: number }>(
      `WITH done AS (
         UPDATE idempotency_keys SET state = 'COMPLETED', response_status = $4, response_body = $5::jsonb, order_id = $6,
           updated_at = now()
         WHERE user_id = $1 AND key = $2 AND claim_token = $3 AND state = 'IN_PROGRESS' RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [claim.userId, claim.key, claim.token, status, JSON.stringify(body), orderId],
    );
    if (result?.n !== 1) throw inProgress();
  }

  /** Gives the key back after a failure, unless the request completed (or another took it over). */
  async release(claim: KeyClaim): Promise<void> {
    await this.dataSource
      .query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND claim_token = $3 AND state = 'IN_PROGRESS'`, [
        claim.userId,
        claim.key,
        claim.token,
      ])
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not release an idempotency key; it frees itself in 30 s'),
      );
  }

  /** Deletes up to a batch of expired keys; answers how many. */
  async sweepExpired(): Promise<number> {
    // a CTE, so that the answer is rows (TypeORM answers [rows, count] for a bare DELETE)
    const [result] = await this.dataSource.query<{ n: number }[]>(
      `WITH swept AS (
         DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)
         RETURNING 1)
       SELECT count(*)::int AS n FROM swept`,
      [SWEEP_BATCH],
    );
    return result?.n ?? 0;
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => {
      this.sweepExpired().catch((error: unknown) => this.logger.warn({ err: error }, 'idempotency key sweep failed'));
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}

const inProgress = () =>
  new AppError('IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry later');

const existingOf = (row: KeyRow): ExistingKey => ({
  scope: row.scope,
  requestHash: row.request_hash,
  state: row.state,
  responseStatus: row.response_status,
  responseBody: row.response_body,
  updatedAt: row.updated_at,
  expiresAt: row.expires_at,
});
