import { AUDIT_REPORT_CSV_COLUMNS, auditReportRows } from './audit-report.csv';
import type { AuditReport } from './audit-report.query';

const report: AuditReport = {
  period: { from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
  generatedAt: '2026-07-01T08:00:00.000Z',
  totals: {
    customers: 3,
    views: 4,
    reveals: 1,
    exports: 1,
    exportedRows: 120,
    denials: 2,
    alerts: 1,
    erasures: 1,
  },
  actors: [
    {
      actorId: 'rep.a',
      views: 4,
      reveals: 1,
      exports: 1,
      exportedRows: 120,
      denials: 2,
      customers: 3,
    },
  ],
  access: [
    {
      actorId: 'rep.a',
      purpose: 'sales_followup',
      field: 'phone',
      views: 4,
      clear: 1,
      masked: 5,
      reveals: 1,
      exports: 1,
      rows: 120,
    },
  ],
  denials: [{ actorId: 'rep.a', reason: 'RATE_LIMITED', count: 2 }],
  alerts: {
    byRule: { 'many-reveals': 1 },
    total: 1,
    truncated: false,
    alerts: [
      {
        alertId: 'a-1',
        rule: 'many-reveals',
        actorId: 'rep.a',
        windowStart: '2026-06-02T00:00:00.000Z',
        windowEnd: '2026-06-02T01:00:00.000Z',
        count: 25,
        threshold: 20,
        detectedAt: '2026-06-02T01:00:00.000Z',
        underNotice: false,
      },
    ],
  },
  erasures: {
    count: 1,
    truncated: false,
    requests: [{ requestId: 'r-1', completedAt: '2026-06-03T00:00:00.000Z' }],
  },
};

describe(auditReportRows.name, () => {
  const rows = auditReportRows(report);
  const section = (name: string): Record<string, string | number>[] =>
    rows
      .filter((row) => row[0] === name)
      .map((row) => {
        const named: Record<string, string | number> = {};
        AUDIT_REPORT_CSV_COLUMNS.forEach((column, i) => {
          const value = row[i];
          if (value !== null && value !== undefined) named[column] = value;
        });
        return named;
      });

  it('gives every row one cell per column, the period first', () => {
    expect(rows.every((row) => row.length === AUDIT_REPORT_CSV_COLUMNS.length)).toBe(true);
    expect(section('period')).toEqual([
      {
        section: 'period',
        id: '2026-06-01T00:00:00.000Z/2026-07-01T00:00:00.000Z',
        at: '2026-07-01T08:00:00.000Z',
      },
    ]);
    expect(rows.map((row) => row[0])).toEqual([
      'period',
      'total',
      'actor',
      'access',
      'denial',
      'alert',
      'erasure',
    ]);
  });

  it('puts each section in its own columns', () => {
    expect(section('access')).toEqual([
      {
        section: 'access',
        actorId: 'rep.a',
        purpose: 'sales_followup',
        field: 'phone',
        views: 4,
        clear: 1,
        masked: 5,
        reveals: 1,
        exports: 1,
        rows: 120,
      },
    ]);
    expect(section('denial')).toEqual([
      { section: 'denial', actorId: 'rep.a', reason: 'RATE_LIMITED', count: 2 },
    ]);
    expect(section('alert')).toEqual([
      {
        section: 'alert',
        actorId: 'rep.a',
        rule: 'many-reveals',
        id: 'a-1',
        at: '2026-06-02T01:00:00.000Z',
        count: 25,
      },
    ]);
    expect(section('erasure')).toEqual([
      { section: 'erasure', id: 'r-1', at: '2026-06-03T00:00:00.000Z' },
    ]);
    expect(section('total')).toEqual([
      { section: 'total', views: 4, reveals: 1, exports: 1, rows: 120, count: 3 },
    ]);
  });
});
