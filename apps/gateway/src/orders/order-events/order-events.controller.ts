import { Controller, Get, Headers, Logger, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { OrderIdParamsSchema, OrdersRpc, type Actor, type OrderIdParams } from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import type { Response } from 'express';
import { Authenticated } from '../../auth/auth.decorators';
import { CurrentActor } from '../../auth/authenticated-user';
import { RateLimit } from '../../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, UPSTREAM_PROBLEMS } from '../../openapi/api-problem-responses.decorator';
import { OrderEventStreams } from './order-event-streams';
import { pumpOrderHistory } from './pump-order-history';
import { lastEventIdOf, sseRetry } from './sse';

/** How long one `orders.history` call waits for news, and how much longer its RPC deadline is. */
const HISTORY_WAIT_MS = 10_000;
const HISTORY_ANSWER_MARGIN_MS = 5_000;
const KEEP_ALIVE_MS = 15_000;
const RECONNECT_MS = 2_000;

/**
 * `GET /v1/orders/:id/events`: the order's status changes as Server-Sent Events. The order is read
 * first, so an unknown order or another user's is a plain 404 before any stream starts; then each
 * history entry is one `status` event whose `id` is its `seq`, until the order is final.
 */
@ApiTags('orders')
@Controller('v1/orders')
@Authenticated()
export class OrderEventsController {
  private readonly logger = new Logger(OrderEventsController.name);

  constructor(
    @InjectRpcClient('orders') private readonly orders: RpcClient,
    private readonly streams: OrderEventStreams,
  ) {}

  @Get(':id/events')
  @RateLimit('stream')
  @ApiOperation({
    summary:
      "The order's status changes as Server-Sent Events: one `status` event per history entry (`id` is its `seq`, `data` the entry as JSON), " +
      'a `: keep-alive` comment every 15 s, the stream ends once the order is final; reconnect with `Last-Event-ID` to resume',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event (its `seq`); sent by EventSource on reconnect',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream (text/event-stream)',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'id: 1\nevent: status\ndata: {"seq":1,"status":"PENDING","step":"PENDING","at":"2026-12-02T01:00:00.000Z"}\n\n',
        },
      },
    },
  })
  @ApiProblemResponses(
    'VALIDATION.FAILED',
    'ORDERS.ORDER_NOT_FOUND',
    'RATE_LIMIT.EXCEEDED',
    'SERVICE.SHUTTING_DOWN',
    ...UPSTREAM_PROBLEMS,
  )
  async events(
    @CurrentActor() actor: Actor,
    @Param({ schema: OrderIdParamsSchema }) { id }: OrderIdParams,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const after = lastEventIdOf(lastEventId);
    await this.orders.call(OrdersRpc.get, { id }, { actor });
    const stream = this.streams.acquire();
    const controller = new AbortController();
    const stop = () => controller.abort();
    res.once('close', stop);
    stream.signal.addEventListener('abort', stop, { once: true });
    try {
      this.open(res);
      const end = await pumpOrderHistory({
        after,
        signal: controller.signal,
        keepAliveMs: KEEP_ALIVE_MS,
        write: (chunk) => {
          if (!res.writableEnded && !res.destroyed) res.write(chunk);
        },
        history: (from) =>
          this.orders.call(
            OrdersRpc.history,
            { id, after: from, waitMs: HISTORY_WAIT_MS },
            {
              actor,
              timeoutMs: HISTORY_WAIT_MS + HISTORY_ANSWER_MARGIN_MS,
              minAttemptMs: HISTORY_WAIT_MS + HISTORY_ANSWER_MARGIN_MS,
            },
          ),
      });
      if (end.reason === 'failed') {
        this.logger.warn({ orderId: id, err: end.error }, 'Order event stream ended: orders failed (the client reconnects)');
      }
    } finally {
      stream.signal.removeEventListener('abort', stop);
      stream.release();
      if (!res.writableEnded) res.end();
    }
  }

  /** Status and headers go out at once: nothing between here and the client may buffer the stream. */
  private open(res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-store, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no'); // nginx and friends: do not buffer
    res.socket?.setTimeout(0);
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    res.write(sseRetry(RECONNECT_MS));
  }
}
