// The data flow's figures as the control room reads them: sizes and rates in SI units (MB =
// 10^6 bytes, as the rate's MB/s), durations as h:mm:ss.
import { formatDuration } from './time';

/** Bytes as B, kB, MB, GB or TB, three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toPrecision(3)} ${units[unit]}`;
}

/** MB/s with two decimals (a router of the AT-TPC writes a few MB/s). */
export function formatRate(mbps: number): string {
  return `${mbps.toFixed(2)} MB/s`;
}

export function formatSeconds(seconds: number): string {
  return formatDuration(seconds * 1000);
}
