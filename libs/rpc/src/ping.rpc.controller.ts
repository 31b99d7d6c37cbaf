import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';

/** `ops.ping`: answers as soon as the service accepts RPC requests (readiness of its callers). */
@Controller()
export class PingRpcController {
  @MessagePattern('ops.ping')
  ping(): { pong: true } {
    return { pong: true };
  }
}
