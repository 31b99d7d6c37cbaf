import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuditListSchema,
  DeadLetterReportSchema,
  OpsOverviewSchema,
  OpsRpc,
  OrderIdParamsSchema,
  OrderTimelineViewSchema,
  OrdersAdminRpc,
  RedriveResultSchema,
  SagaActionResultSchema,
  SagaListSchema,
  SagasQuerySchema,
  TOPIC_PRODUCERS,
  TopicParamsSchema,
  type Actor,
  type AuditList,
  type DeadLetterReport,
  type OpsOverview,
  type OrderIdParams,
  type OrderTimelineView,
  type SagaAction,
  type SagaActionResult,
  type SagaList,
  type SagasQuery,
  type TopicParams,
} from '@shopmesh/contracts';
import { InjectRpcClient, type RpcClient } from '@shopmesh/rpc';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, UPSTREAM_PROBLEMS } from '../openapi/api-problem-responses.decorator';
import { OperatorDirectory } from './operator-directory';
import { OpsOverviewService } from './ops-overview.service';
import { TRACE_UI_URL } from './ops.tokens';

const AUDIT_LIMIT = 50;

/**
 * The ops console's API (admin only): instances and readiness, sagas in flight with retry and
 * compensate, an order's timeline with its trace, dead letters and their redrive, the audit of
 * every action. Actions name the admin (id and email) in the acting service's audit.
 */
@ApiTags('admin: operations')
@Controller('v1/admin/ops')
@Authenticated('admin')
export class OpsController {
  constructor(
    private readonly ops: OpsOverviewService,
    private readonly operators: OperatorDirectory,
    @InjectRpcClient('orders') private readonly orders: RpcClient,
    @Inject(TRACE_UI_URL) private readonly traceUi: string,
  ) {}

  @Get('overview')
  @RateLimit('read')
  @ApiOperation({
    summary:
      "Every service's instances: readiness per dependency, outbox backlog and oldest age, consumer lag per group and partition",
  })
  @ApiOkResponse({ standardSchema: OpsOverviewSchema })
  @ApiProblemResponses('RATE_LIMIT.EXCEEDED')
  overview(): Promise<OpsOverview> {
    return this.ops.overview();
  }

  @Get('sagas')
  @RateLimit('read')
  @ApiOperation({
    summary:
      'Checkout sagas in flight, oldest first; stuck ones (in flight longer than stuckAfterMs, or past their deadline) flagged',
  })
  @ApiOkResponse({ standardSchema: SagaListSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  sagas(@CurrentActor() actor: Actor, @Query({ schema: SagasQuerySchema }) query: SagasQuery): Promise<SagaList> {
    return this.orders.call(OrdersAdminRpc.sagas, { stuckAfterMs: query.stuckAfterMs }, { actor });
  }

  @Post('sagas/:id/retry')
  @HttpCode(200)
  @RateLimit('write')
  @ApiOperation({ summary: "Send the saga's current step command again (a compensating saga: what it still owes), audited" })
  @ApiOkResponse({ standardSchema: SagaActionResultSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'ORDERS.ORDER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  retry(@CurrentActor() actor: Actor, @Param({ schema: OrderIdParamsSchema }) { id }: OrderIdParams): Promise<SagaActionResult> {
    return this.act(actor, 'retry', id);
  }

  @Post('sagas/:id/compensate')
  @HttpCode(200)
  @RateLimit('write')
  @ApiOperation({
    summary: 'Cancel the order through its saga (CANCELLED_BY_OPERATOR): it compensates what it did; audited',
  })
  @ApiOkResponse({ standardSchema: SagaActionResultSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'ORDERS.ORDER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  compensate(
    @CurrentActor() actor: Actor,
    @Param({ schema: OrderIdParamsSchema }) { id }: OrderIdParams,
  ): Promise<SagaActionResult> {
    return this.act(actor, 'compensate', id);
  }

  @Get('orders/:id/timeline')
  @RateLimit('read')
  @ApiOperation({ summary: 'An order with its status history, and a link to the trace of the request that placed it' })
  @ApiOkResponse({ standardSchema: OrderTimelineViewSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'ORDERS.ORDER_NOT_FOUND', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  async timeline(
    @CurrentActor() actor: Actor,
    @Param({ schema: OrderIdParamsSchema }) { id }: OrderIdParams,
  ): Promise<OrderTimelineView> {
    const { order, traceId } = await this.orders.call(OrdersAdminRpc.timeline, { id }, { actor });
    return traceId ? { order, traceId, traceUrl: `${this.traceUi.replace(/\/+$/, '')}/traces/${traceId}` } : { order };
  }

  @Get('dead-letters')
  @RateLimit('read')
  @ApiOperation({ summary: 'The dead letters of every topic (error, attempts, consumer, when), read by the topic’s producer' })
  @ApiOkResponse({ standardSchema: DeadLetterReportSchema })
  @ApiProblemResponses('RATE_LIMIT.EXCEEDED')
  deadLetters(@CurrentActor() actor: Actor): Promise<DeadLetterReport> {
    return this.ops.deadLetters(actor);
  }

  @Post('dead-letters/:topic/redrive')
  @HttpCode(200)
  @RateLimit('write')
  @ApiOperation({ summary: 'Re-publish the dead letters of a topic to it (once each), by its producer; audited' })
  @ApiOkResponse({ standardSchema: RedriveResultSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'RATE_LIMIT.EXCEEDED', ...UPSTREAM_PROBLEMS)
  async redrive(
    @CurrentActor() actor: Actor,
    @Param({ schema: TopicParamsSchema }) { topic }: TopicParams,
  ): Promise<{ topic: string; redriven: number }> {
    const operator = await this.operators.operatorOf(actor);
    return this.ops.client(TOPIC_PRODUCERS[topic]).call(OpsRpc.redrive, { topic, operator }, { actor, timeoutMs: 20_000 });
  }

  @Get('audit')
  @RateLimit('read')
  @ApiOperation({ summary: 'The latest operator actions (who, when, what, outcome) across the services, newest first' })
  @ApiOkResponse({ standardSchema: AuditListSchema })
  @ApiProblemResponses('RATE_LIMIT.EXCEEDED')
  async audit(@CurrentActor() actor: Actor): Promise<AuditList> {
    return { entries: await this.ops.audit(actor, AUDIT_LIMIT) };
  }

  private async act(actor: Actor, action: SagaAction, id: string): Promise<SagaActionResult> {
    const operator = await this.operators.operatorOf(actor);
    const rpc = action === 'retry' ? OrdersAdminRpc.retry : OrdersAdminRpc.compensate;
    return this.orders.call(rpc, { id, operator }, { actor });
  }
}
