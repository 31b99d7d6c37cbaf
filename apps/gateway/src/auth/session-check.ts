import { IdentityRpc } from '@shopmesh/contracts';
import type { RpcClient } from '@shopmesh/rpc';

/**
 * Whether a token's session is still open (user not deleted, session not revoked), asked of identity
 * and remembered for `cacheMs`, so a busy user costs identity one call per few seconds; a revocation
 * is seen at most `cacheMs` later (a logout through this gateway is seen at once).
 */
export class SessionCheck {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly identity: RpcClient,
    private readonly cacheMs: number,
  ) {}

  async isActive(userId: string, sessionId: string): Promise<boolean> {
    const key = `${userId}:${sessionId}`;
    const until = this.known.get(key);
    if (until !== undefined && until > Date.now()) return true;
    const { active } = await this.identity.call(IdentityRpc.sessionActive, { userId, sessionId });
    if (active && this.cacheMs > 0) {
      if (this.known.size > 100_000) this.known.clear();
      this.known.set(key, Date.now() + this.cacheMs);
    } else this.known.delete(key);
    return active;
  }

  forget(userId: string, sessionId: string): void {
    this.known.delete(`${userId}:${sessionId}`);
  }
}
