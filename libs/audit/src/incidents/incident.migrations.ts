import { AuditIncidents1796730000000 } from './read-models/incidents/1796730000000-audit-incidents.migration';

/** The incident register's table, to run with the other libraries' migrations. */
export const incidentMigrations = [AuditIncidents1796730000000] as const;
