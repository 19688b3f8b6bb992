import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** A goal on the row's value (absolute) or on value / reference (relative). */
export type Goal = {
  readonly on: 'value' | 'ratio';
  readonly op: '>=' | '<=' | '<';
  readonly target: number;
};

export type Row = {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The raw baseline measured side by side in the same run, when there is one. */
  readonly reference: number | null;
  /** value / reference (for latencies above 1 means slower than the baseline). */
  readonly ratio: number | null;
  readonly goal: Goal | null;
  /** null when the row has no goal. */
  readonly pass: boolean | null;
};

export const row = (
  name: string,
  unit: string,
  value: number,
  reference: number | null,
  goal: Goal | null = null,
): Row => {
  const ratio = reference === null || reference === 0 ? null : value / reference;
  const measured = goal?.on === 'ratio' ? ratio : value;
  const pass =
    goal === null || measured === null
      ? null
      : goal.op === '>='
        ? measured >= goal.target
        : goal.op === '<='
          ? measured <= goal.target
          : measured < goal.target;
  return { name, value, unit, reference, ratio, goal, pass };
};

export type Machine = {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly pg: string;
  readonly pgSettings: Readonly<Record<string, string>>;
};

export const machineInfo = (pg: string, pgSettings: Record<string, string>): Machine => ({
  date: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${process.platform} ${release()}`,
  node: process.version,
  pg,
  pgSettings,
});

export type Results = {
  readonly machine: Machine;
  readonly config: Readonly<Record<string, unknown>>;
  readonly rows: readonly Row[];
};

export const writeResults = (path: string, results: Results): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
};

const format = (value: number | null, digits?: number): string => {
  if (value === null || Number.isNaN(value)) return '–';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
};

const goalText = (goal: Goal | null): string =>
  goal === null ? '' : `${goal.on} ${{ '>=': '≥', '<=': '≤', '<': '<' }[goal.op]} ${goal.target}`;

const passText = (pass: boolean | null): string => (pass === null ? '' : pass ? 'PASS' : 'FAIL');

/** The rows as a Markdown table (readable in a terminal, pasteable into docs/PERFORMANCE.md). */
export const renderTable = (rows: readonly Row[]): string => {
  const header = ['benchmark', 'value', 'unit', 'reference', 'ratio', 'goal', 'pass'];
  const body = rows.map((r) => [
    r.name,
    format(r.value),
    r.unit,
    format(r.reference),
    format(r.ratio, 2),
    goalText(r.goal),
    passText(r.pass),
  ]);
  const numeric = new Set([1, 3, 4]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
};
