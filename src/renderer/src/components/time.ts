// Times as the control room reads them, in every view: local time to the second in a sortable,
// unambiguous form (`2025-11-24 17:15:03`), or the clock time alone where only today's matter;
// durations as h:mm:ss; a local clock that ticks for live durations (display only: it never asks
// the server anything).
import { useEffect, useState } from 'react';

const two = (n: number) => String(n).padStart(2, '0');

function parse(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function dayOf(date: Date): string {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

function clockOf(date: Date): string {
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Local date and time to the second, e.g. `2025-11-24 17:15:03`; a text that is no time is shown as it is. */
export function formatDateTime(iso: string): string {
  const date = parse(iso);
  return date ? `${dayOf(date)} ${clockOf(date)}` : iso;
}

/** The local date alone, e.g. `2025-11-24`. */
export function formatDate(iso: string): string {
  const date = parse(iso);
  return date ? dayOf(date) : iso;
}

/** The clock time when it is today (`17:15:03`), the date and time otherwise; `—` when there is none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = parse(iso);
  if (!date) return iso;
  return dayOf(date) === dayOf(new Date()) ? clockOf(date) : `${dayOf(date)} ${clockOf(date)}`;
}

/** A duration as `h:mm:ss` (hours grow past 24 rather than wrapping into days); never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${hours}:${two(minutes)}:${two(total % 60)}`;
}

/** The current time, re-rendering the caller every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
