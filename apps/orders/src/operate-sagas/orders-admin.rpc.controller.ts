import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OrdersAdminRpc, type Actor, type OrderTimeline, type SagaActionResult, type SagaList } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { ViewOrdersService } from '../view-orders/view-orders.service';
import { inFlightSagas } from './in-flight-sagas';
import { SagaOperationsService } from './saga-operations.service';

type ListRequest = z.output<typeof OrdersAdminRpc.sagas.request>;
type ActionRequest = z.output<typeof OrdersAdminRpc.retry.request>;

const requireAdmin = (actor: Actor): void => {
  if (actor.role !== 'admin') throw new AppError('AUTH.FORBIDDEN', 'Operating sagas is for the admin role');
};

/** Orders' RPCs for operators (TCP, admin actor only): sagas in flight, retry, compensate, an order's timeline. */
@Controller()
export class OrdersAdminRpcController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operations: SagaOperationsService,
    private readonly viewing: ViewOrdersService,
  ) {}

  @RpcHandler(OrdersAdminRpc.sagas)
  sagas(@RpcActor() actor: Actor, @RpcPayload(OrdersAdminRpc.sagas) request: ListRequest): Promise<SagaList> {
    requireAdmin(actor);
    return inFlightSagas(this.dataSource, request.stuckAfterMs, request.limit);
  }

  @RpcHandler(OrdersAdminRpc.retry)
  retry(@RpcActor() actor: Actor, @RpcPayload(OrdersAdminRpc.retry) { id, operator }: ActionRequest): Promise<SagaActionResult> {
    return this.operations.act(actor, operator, 'retry', id);
  }

  @RpcHandler(OrdersAdminRpc.compensate)
  compensate(
    @RpcActor() actor: Actor,
    @RpcPayload(OrdersAdminRpc.compensate) { id, operator }: ActionRequest,
  ): Promise<SagaActionResult> {
    return this.operations.act(actor, operator, 'compensate', id);
  }

  @RpcHandler(OrdersAdminRpc.timeline)
  async timeline(@RpcActor() actor: Actor, @RpcPayload(OrdersAdminRpc.timeline) { id }: { id: string }): Promise<OrderTimeline> {
    requireAdmin(actor);
    const order = await this.viewing.get(actor, id);
    // the read model carries the placing request's trace id once tracing records one
    const traceId = (order as { traceId?: unknown }).traceId;
    return { order, ...(typeof traceId === 'string' ? { traceId } : {}) };
  }
}
