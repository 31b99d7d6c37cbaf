export { RpcClient, type RpcCallOptions } from './rpc-client';
export { RpcClientModule, RpcClientRegistry, InjectRpcClient, rpcClientToken, type RpcTarget } from './rpc-client.module';
export { RpcServerModule } from './rpc-server.module';
export { RpcPayload } from './rpc-payload.decorator';
