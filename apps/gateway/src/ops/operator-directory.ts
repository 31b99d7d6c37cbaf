import { Injectable } from '@nestjs/common';
import { IdentityRpc, type Actor, type Operator } from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';

const TTL_MS = 60_000;

/**
 * The operator an audit row names: the admin's id (from the verified token) and email (the
 * token carries none, so identity is asked, and its answer kept a minute).
 */
@Injectable()
export class OperatorDirectory {
  private readonly emails = new Map<string, { email: string; until: number }>();

  constructor(@InjectRpcClient('identity') private readonly identity: RpcClient) {}

  async operatorOf(actor: Actor): Promise<Operator> {
    const known = this.emails.get(actor.userId);
    if (known && known.until > Date.now()) return { email: known.email };
    const me = await this.identity.call(IdentityRpc.me, {}, { actor });
    this.emails.set(actor.userId, { email: me.email, until: Date.now() + TTL_MS });
    return { email: me.email };
  }
}
