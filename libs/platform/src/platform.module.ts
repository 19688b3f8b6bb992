import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { CLOCK, systemClock } from './clock';
import { type Config } from './config';
import { loggerModuleParams } from './logger';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry';
import { currentContext } from './request-context';

/** The validated configuration, as one injectable object. */
export const CONFIG = Symbol('CONFIG');

export type PlatformOptions = {
  readonly config: Config;
  /** Where logs go; stdout by default. The CLI sends them to stderr to keep its UI clean. */
  readonly logDestination?: DestinationStream;
};

/** nestjs-pino with the platform's redaction, plus the correlation id of the current request. */
const httpLoggerParams = (options: PlatformOptions): ReturnType<typeof loggerModuleParams> => {
  const params = loggerModuleParams(options.config.logLevel, options.logDestination);
  const [pinoHttp, ...rest] = params.pinoHttp as [Record<string, unknown>, ...unknown[]];
  return {
    ...params,
    pinoHttp: [
      {
        ...pinoHttp,
        customProps: () => {
          const context = currentContext();
          return context === undefined ? {} : { correlationId: context.correlationId };
        },
      },
      ...rest,
    ] as typeof params.pinoHttp,
  };
};

/**
 * What every Custodia process shares: configuration, clock, logger and the Prometheus registry.
 * Global, so feature modules inject CONFIG, CLOCK and METRICS_REGISTRY without importing it.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [LoggerModule.forRoot(httpLoggerParams(options))],
      providers: [
        { provide: CONFIG, useValue: options.config },
        { provide: CLOCK, useValue: systemClock },
        { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
      ],
      exports: [CONFIG, CLOCK, METRICS_REGISTRY, LoggerModule],
    };
  }
}
