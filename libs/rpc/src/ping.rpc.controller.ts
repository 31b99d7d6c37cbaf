import { Controller } from '@nestjs/common';
import { OpsRpc } from '@shopmesh/contracts';
import { RpcHandler } from './rpc-handler.decorator';

/** `ops.ping`: answers as soon as the service accepts RPC requests (readiness of its callers). */
@Controller()
export class PingRpcController {
  @RpcHandler(OpsRpc.ping)
  ping(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
