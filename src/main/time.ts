// Time stamps as the database stores them (ISO 8601 in UTC with milliseconds), and a bounded wait.
export function nowIso(): string {
  return new Date().toISOString();
}

/** Whether `work` settled within `ms` (it goes on either way: only the waiting is bounded). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), bound]);
  } finally {
    clearTimeout(timer);
  }
}
