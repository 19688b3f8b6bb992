import { type DynamicModule, Module } from '@nestjs/common';
import {
  ActiveHoldsOfHandler,
  LiftLegalHoldHandler,
  PlaceLegalHoldHandler,
} from './legal-hold.handlers';
import { DEFAULT_PRIVACY_DEADLINES, type PrivacyDeadlineOptions } from './privacy-deadlines';
import {
  ChangePrivacyRequestHandler,
  CompletePrivacyRequestHandler,
  DeferPrivacyRequestHandler,
  GetPrivacyRequestHandler,
  ReceivePrivacyRequestHandler,
} from './privacy-request.handlers';
import {
  PRIVACY_DEADLINES,
  PRIVACY_READ_DATABASE,
  PrivacyRequests,
} from './privacy-requests.service';
import { PrivacyRepository } from './privacy.repository';

export type PrivacyModuleOptions = {
  /** Token of the read database (the application's DataSource), e.g. DATA_SOURCE. */
  readonly readDatabase: symbol | string;
  readonly deadlines?: PrivacyDeadlineOptions;
};

/**
 * Privacy requests and legal holds: command and query handlers and the `PrivacyRequests`
 * service (global, so the erasure executor can inject it). Needs EVENT_STORE (global from the
 * storage module) and `CqrsModule.forRoot()` once in the application. Register it once.
 */
@Module({})
export class PrivacyModule {
  static register(options: PrivacyModuleOptions): DynamicModule {
    return {
      module: PrivacyModule,
      global: true,
      providers: [
        { provide: PRIVACY_READ_DATABASE, useExisting: options.readDatabase },
        { provide: PRIVACY_DEADLINES, useValue: options.deadlines ?? DEFAULT_PRIVACY_DEADLINES },
        PrivacyRepository,
        PrivacyRequests,
        ReceivePrivacyRequestHandler,
        ChangePrivacyRequestHandler,
        CompletePrivacyRequestHandler,
        DeferPrivacyRequestHandler,
        GetPrivacyRequestHandler,
        PlaceLegalHoldHandler,
        LiftLegalHoldHandler,
        ActiveHoldsOfHandler,
      ],
      exports: [PrivacyRequests],
    };
  }
}
