import { AccessAlertState1796510000000 } from './1796510000000-access-alert-state.migration';
import { AccessAlerts1796510000001 } from './1796510000001-access-alerts.migration';

/** The alert tables, to run with the other libraries' migrations. */
export const accessAlertMigrations = [
  AccessAlertState1796510000000,
  AccessAlerts1796510000001,
] as const;
