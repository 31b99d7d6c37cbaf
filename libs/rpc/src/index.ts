export { RpcClient, type RpcCallOptions, type RpcClientOptions } from './rpc-client';
export { createBalancer, type BalancingStrategy, type Balancer, type Candidate } from './balancing/balancer';
export { ConsistentHashRing } from './balancing/consistent-hash-ring';
export { CircuitBreaker, type BreakerOptions, type BreakerState } from './balancing/circuit-breaker';
export { StaticDiscovery, type Discovery } from './discovery/discovery';
export { DnsDiscovery } from './discovery/dns-discovery';
export { RpcClientModule, RpcClientRegistry, InjectRpcClient, rpcClientToken, type RpcTarget } from './rpc-client.module';
export { RpcServerModule } from './rpc-server.module';
export { RpcPayload } from './rpc-payload.decorator';
