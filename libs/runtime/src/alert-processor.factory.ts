import { AlertProcessor, AlertWebhook } from '@custodia/access';
import type { EventStore } from '@custodia/event-store';
import type { PinoLogger } from 'nestjs-pino';
import type { DataSource } from 'typeorm';

export type AlertProcessorDependencies = {
  readonly dataSource: DataSource;
  readonly store: EventStore;
  readonly logger: PinoLogger;
  /** ALERT_WEBHOOK_URL: each new alert is also POSTed there. */
  readonly webhookUrl: string | undefined;
};

/** The anomaly rules over the access log; started and stopped with the projections. */
export const createAlertProcessor = ({
  dataSource,
  store,
  logger,
  webhookUrl,
}: AlertProcessorDependencies): AlertProcessor => {
  const log = {
    info: (fields: Record<string, unknown>, message: string) => logger.info(fields, message),
    warn: (fields: Record<string, unknown>, message: string) => logger.warn(fields, message),
    error: (fields: Record<string, unknown>, message: string) => logger.error(fields, message),
  };
  const webhook =
    webhookUrl === undefined ? undefined : new AlertWebhook({ url: webhookUrl, logger: log });
  return new AlertProcessor({
    store,
    dataSource,
    logger: log,
    ...(webhook === undefined
      ? {}
      : { onAlert: async (alert) => void (await webhook.send(alert)) }),
  });
};
