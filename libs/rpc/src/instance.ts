import type { ClientProxy } from '@nestjs/microservices';
import { CircuitBreaker, type BreakerOptions } from './balancing/circuit-breaker';

/** One instance of a target service: its connection, breaker and calls in flight. */
export class Instance {
  outstanding = 0;
  readonly breaker: CircuitBreaker;
  /** Its metric series (`RpcClient.metersOf`), once it has been called. */
  meters?: unknown;

  constructor(
    readonly address: string,
    readonly proxy: ClientProxy,
    breaker: () => BreakerOptions,
  ) {
    this.breaker = new CircuitBreaker(breaker);
  }
}

/** `host:port` (or `[v6]:port`) → host and port. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match?.[1] || !match[2]) throw new Error(`not a host:port address: ${address}`);
  return { host: match[1], port: Number(match[2]) };
}
