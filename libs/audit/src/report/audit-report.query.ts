import {
  type ActorActivity,
  type AlertsInWindow,
  alertsInWindow,
  AccessWindowQueries,
  type DenialSummary,
  type FieldAccessSummary,
} from '@custodia/access';
import { type CompletedErasures, completedErasures } from '@custodia/privacy';
import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * A period's access summary for the auditor and the DPO: ids, purposes, field names, reasons,
 * rules and counts, never a personal value. Built from the read models (eventually consistent).
 */
export type AuditReport = {
  /** `from` inclusive, `to` exclusive. */
  readonly period: { readonly from: string; readonly to: string };
  readonly generatedAt: string;
  readonly totals: {
    /** Distinct customers viewed or revealed. */
    readonly customers: number;
    readonly views: number;
    readonly reveals: number;
    readonly exports: number;
    readonly exportedRows: number;
    readonly denials: number;
    readonly alerts: number;
    readonly erasures: number;
  };
  readonly actors: readonly ActorActivity[];
  /** Per actor, purpose and field. */
  readonly access: readonly FieldAccessSummary[];
  readonly denials: readonly DenialSummary[];
  readonly alerts: AlertsInWindow;
  readonly erasures: CompletedErasures;
};

const sum = <T>(items: readonly T[], value: (item: T) => number): number =>
  items.reduce((total, item) => total + value(item), 0);

/** The report for [from, to): refuses (ACCESS.INVALID_FILTER naming `to`) an empty or >366-day period. */
export const buildAuditReport = async (
  db: Queryable,
  { from, to, now }: { readonly from: Date; readonly to: Date; readonly now: Date },
): Promise<AuditReport> => {
  const window = { from, to };
  const queries = new AccessWindowQueries(db);
  // The scope's per-customer list is not needed here: counts and actors only.
  const scope = await queries.scope(window, { maxCustomers: 0 });
  const access = await queries.fieldSummary(window);
  const denials = await queries.denials(window);
  const alerts = await alertsInWindow(db, window);
  const erasures = await completedErasures(db, window);
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    generatedAt: now.toISOString(),
    totals: {
      customers: scope.customerCount,
      views: sum(scope.actors, (actor) => actor.views),
      reveals: sum(scope.actors, (actor) => actor.reveals),
      exports: sum(scope.actors, (actor) => actor.exports),
      exportedRows: sum(scope.actors, (actor) => actor.exportedRows),
      denials: sum(denials, (denial) => denial.count),
      alerts: alerts.total,
      erasures: erasures.count,
    },
    actors: scope.actors,
    access,
    denials,
    alerts,
    erasures,
  };
};
