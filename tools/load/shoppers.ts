import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadHttp } from './load-http';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** A registered, logged-in customer of the run; one session at a time uses it (its cart is its own). */
export interface Shopper {
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms its access token expires. */
  expiresAt: number;
  busy: boolean;
}

const PASSWORD = 'load-generator-password';
/** Refresh an access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;
const SETUP_SESSION = -2;

/**
 * The run's customers, registered and logged in before the load starts; sessions lease one
 * exclusively (two sessions on one cart would check out each other's lines) and refresh its token
 * when it is about to expire.
 */
export class ShopperPool {
  private readonly shoppers: Shopper[] = [];
  private refreshing = new Map<Shopper, Promise<void>>();

  constructor(private readonly http: LoadHttp) {}

  get size(): number {
    return this.shoppers.length;
  }

  /** Registers and logs in `count` customers, `concurrency` at a time; waits out 429s up to `timeoutMs`. */
  async create(count: number, runId: string, { concurrency = 4, timeoutMs = 60_000 } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          const i = (next += 1) - 1;
          const email = `load-${runId}-${i}-${randomBytes(3).toString('hex')}@example.com`;
          await this.setupCall(
            'register',
            '/v1/auth/register',
            { email, password: PASSWORD, name: `Load shopper ${i}` },
            201,
            deadline,
          );
          const pair = (await this.setupCall(
            'login',
            '/v1/auth/login',
            { email, password: PASSWORD },
            200,
            deadline,
          )) as TokenPair;
          this.shoppers.push({ email, ...this.tokensOf(pair), busy: false });
        }
      }),
    );
  }

  /** A free shopper with a fresh token, marked busy; undefined when every one is in a session. */
  async lease(session: number): Promise<Shopper | undefined> {
    const shopper = this.shoppers.find((s) => !s.busy);
    if (!shopper) return undefined;
    shopper.busy = true;
    if (shopper.expiresAt - Date.now() < REFRESH_MARGIN_MS) await this.refresh(shopper, session);
    return shopper;
  }

  release(shopper: Shopper): void {
    shopper.busy = false;
  }

  private refresh(shopper: Shopper, session: number): Promise<void> {
    const running = this.refreshing.get(shopper);
    if (running) return running;
    const done = (async () => {
      const ctx = { session, scenario: 'auth', step: 'refresh' };
      const res = await this.http.call(ctx, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {
        body: { refreshToken: shopper.refreshToken },
      });
      if (res.status === 200) {
        Object.assign(shopper, this.tokensOf(res.body as TokenPair));
        return;
      }
      const login = await this.http.call({ ...ctx, step: 'login' }, 'POST', '/v1/auth/login', '/v1/auth/login', {
        body: { email: shopper.email, password: PASSWORD },
      });
      if (login.status === 200) Object.assign(shopper, this.tokensOf(login.body as TokenPair));
    })().finally(() => this.refreshing.delete(shopper));
    this.refreshing.set(shopper, done);
    return done;
  }

  private tokensOf(pair: TokenPair): Pick<Shopper, 'accessToken' | 'refreshToken' | 'expiresAt'> {
    return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
  }

  private async setupCall(step: string, path: string, body: unknown, expected: number, deadline: number): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const res = await this.http.call({ session: SETUP_SESSION, scenario: 'setup', step }, 'POST', path, path, { body });
      if (res.status === expected) return res.body;
      // an earlier attempt that got no answer registered the (random, so otherwise free) email after all
      if (step === 'register' && attempt > 1 && res.record.code === 'IDENTITY.EMAIL_TAKEN') return res.body;
      const retryable = res.status === 429 || res.status === 503 || res.status === 0;
      if (!retryable || Date.now() > deadline)
        throw new Error(
          `setting up shoppers: ${step} answered ${res.status} ${res.record.code ?? ''}` +
            (res.status === 429 ? ' (raise RATE_LIMIT_REGISTER_LIMIT / RATE_LIMIT_LOGIN_LIMIT for a load run)' : ''),
        );
      await sleep(res.status === 429 ? 2000 : 500);
    }
  }
}
