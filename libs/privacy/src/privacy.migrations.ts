import { PrivacyLegalHolds1796600000001 } from './read-models/legal-holds/1796600000001-legal-holds.migration';
import { PrivacyRequests1796600000000 } from './read-models/privacy-requests/1796600000000-privacy-requests.migration';

/** The privacy context's tables, to run with the other libraries' migrations. */
export const privacyMigrations = [
  PrivacyRequests1796600000000,
  PrivacyLegalHolds1796600000001,
] as const;
