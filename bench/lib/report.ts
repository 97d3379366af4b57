// The benchmark's output: a table for people and a JSON file for the record.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { arch, cpus, release, totalmem } from 'node:os';
import type { Row, ScenarioResult } from './scenario';
import { round } from './stats';

function show(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  return unit === '×' ? `${round(value)}×` : `${round(value)} ${unit}`;
}

function cells(row: Row): [string, string] {
  if (row.summary) {
    const s = row.summary;
    const [low, high] = row.spread === 'min-max' ? [s.min, s.max] : [s.p5, s.p95];
    const label = row.spread === 'min-max' ? 'min–max' : 'p5–p95';
    const spread = `${round(low)}–${round(high)} ${row.unit === '×' ? '' : row.unit} (${label}, n=${s.n})`.replace('  ', ' ');
    return [show(s.median, row.unit), row.note ? `${spread}; ${row.note}` : spread];
  }
  return [row.value === undefined ? '—' : show(row.value, row.unit), row.note ?? ''];
}

/** The whole run as a plain-text table (one block per scenario, then the targets). */
export function formatTable(results: readonly ScenarioResult[]): string {
  const lines: string[][] = [['Scenario', 'Measure', 'Median', 'Spread']];
  for (const result of results) {
    result.rows.forEach((row, i) => {
      const [median, spread] = cells(row);
      lines.push([i === 0 ? result.title : '', row.measure, median, row.summary ? spread : (row.note ?? '')]);
    });
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const format = (l: string[]) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const out = [format(lines[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const line of lines.slice(1)) out.push(format(line));
  const targets = results.flatMap((r) => r.targets.map((t) => ({ ...t, title: r.title })));
  if (targets.length > 0) {
    out.push('', 'Targets:');
    const verdict = (met: boolean | null) => (met === null ? 'n/a   ' : met ? 'met   ' : 'MISSED');
    for (const t of targets) out.push(`  ${verdict(t.met)}  ${t.title}: ${t.what}: ${t.measured} (target ${t.target})`);
  }
  return out.join('\n');
}

export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()} ${arch()}`,
  };
}

/** Indented JSON, with every array of plain values on one line (samples stay one line each). */
export function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return `[${value.map((item) => JSON.stringify(item) ?? 'null').join(', ')}]`;
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object' && !('toJSON' in value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function writeResults(file: string, payload: Record<string, unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${formatJson(payload)}\n`);
}
