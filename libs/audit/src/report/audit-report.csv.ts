import type { AuditReport } from './audit-report.query';

/**
 * The report as ONE CSV table with a `section` column, so a spreadsheet filter shows one part:
 *
 * | section  | filled columns                                                                  |
 * |----------|---------------------------------------------------------------------------------|
 * | period   | id = `from/to` (an ISO 8601 interval), at = generated at                        |
 * | total    | count = distinct customers; views, reveals, exports, rows (exported rows)       |
 * | actor    | actorId; views, reveals, exports, rows (exported rows); count = distinct customers |
 * | access   | actorId, purpose, field; views, clear, masked, reveals, exports, rows           |
 * | denial   | actorId, reason; count                                                          |
 * | alert    | actorId, rule, id = alert id, at = detected at; count = the rule's count        |
 * | erasure  | id = privacy request id, at = completed at                                      |
 */
export const AUDIT_REPORT_CSV_COLUMNS = [
  'section',
  'actorId',
  'purpose',
  'field',
  'reason',
  'rule',
  'id',
  'at',
  'views',
  'clear',
  'masked',
  'reveals',
  'exports',
  'rows',
  'count',
] as const;

type Column = (typeof AUDIT_REPORT_CSV_COLUMNS)[number];
type Cell = string | number | null;
type Line = Partial<Record<Column, Cell>> & { readonly section: string };

const line = (values: Line): Cell[] =>
  AUDIT_REPORT_CSV_COLUMNS.map((column) => values[column] ?? null);

/** The CSV's rows after the header, as cells (the HTTP edge quotes and joins them). */
export const auditReportRows = (report: AuditReport): Cell[][] => [
  line({
    section: 'period',
    id: `${report.period.from}/${report.period.to}`,
    at: report.generatedAt,
  }),
  line({
    section: 'total',
    views: report.totals.views,
    reveals: report.totals.reveals,
    exports: report.totals.exports,
    rows: report.totals.exportedRows,
    count: report.totals.customers,
  }),
  ...report.actors.map((actor) =>
    line({
      section: 'actor',
      actorId: actor.actorId,
      views: actor.views,
      reveals: actor.reveals,
      exports: actor.exports,
      rows: actor.exportedRows,
      count: actor.customers,
    }),
  ),
  ...report.access.map((row) =>
    line({
      section: 'access',
      actorId: row.actorId,
      purpose: row.purpose,
      field: row.field,
      views: row.views,
      clear: row.clear,
      masked: row.masked,
      reveals: row.reveals,
      exports: row.exports,
      rows: row.rows,
    }),
  ),
  ...report.denials.map((denial) =>
    line({
      section: 'denial',
      actorId: denial.actorId,
      reason: denial.reason,
      count: denial.count,
    }),
  ),
  ...report.alerts.alerts.map((alert) =>
    line({
      section: 'alert',
      actorId: alert.actorId,
      rule: alert.rule,
      id: alert.alertId,
      at: alert.detectedAt,
      count: alert.count,
    }),
  ),
  ...report.erasures.requests.map((erasure) =>
    line({ section: 'erasure', id: erasure.requestId, at: erasure.completedAt }),
  ),
];
