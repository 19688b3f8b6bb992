import { type DynamicModule, Module } from '@nestjs/common';
import {
  ChangeIncidentStatusHandler,
  GetIncidentHandler,
  OpenIncidentHandler,
} from './incident.handlers';
import { INCIDENTS_READ_DATABASE, IncidentRegister } from './incident-register.service';

export type IncidentsModuleOptions = {
  /** Token of the read database (the application's DataSource), e.g. DATA_SOURCE. */
  readonly readDatabase: symbol | string;
};

/**
 * The incident register's command and query handlers. Needs EVENT_STORE (global from the
 * storage module) and `CqrsModule.forRoot()` once in the application. Register it once.
 */
@Module({})
export class IncidentsModule {
  static register(options: IncidentsModuleOptions): DynamicModule {
    return {
      module: IncidentsModule,
      providers: [
        { provide: INCIDENTS_READ_DATABASE, useExisting: options.readDatabase },
        IncidentRegister,
        OpenIncidentHandler,
        ChangeIncidentStatusHandler,
        GetIncidentHandler,
      ],
      exports: [IncidentRegister],
    };
  }
}
