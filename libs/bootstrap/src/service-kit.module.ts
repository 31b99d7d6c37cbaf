import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ErrorFilter, createValidationPipe } from '@shopmesh/errors';
import { HealthModule, type HealthOptions } from '@shopmesh/health';
import { LoggingModule, type LoggingOptions } from '@shopmesh/logging';
import { MetricsModule } from '@shopmesh/metrics';
import { DRAIN_MS, DrainOnShutdown } from './drain-on-shutdown';

export interface ServiceKitOptions {
  service: string;
  logging: Omit<LoggingOptions, 'service'>;
  health: Omit<HealthOptions, 'service'>;
  /** How long readiness is false before servers stop accepting, on SIGTERM. */
  drainMs: number;
}

/**
 * What every ShopMesh app has: JSON logs with correlation ids, Prometheus metrics, health
 * endpoints, one error filter (problem+json over HTTP, coded errors over RPC), one validation
 * pipe, and a graceful shutdown that turns unready first.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        LoggingModule.forRoot({ service: options.service, ...options.logging }),
        MetricsModule.forRoot({ service: options.service }),
        HealthModule.forRoot({ service: options.service, ...options.health }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: DRAIN_MS, useValue: options.drainMs },
        DrainOnShutdown,
      ],
    };
  }
}
