// The monitor listener's setting, kept in the settings table beside the others (keys
// `monitor.enabled`, `monitor.host`, `monitor.port`) but read and changed by its own operations:
// changing it opens, moves or closes a listener, which can fail with the field to blame.
import { DEFAULT_MONITOR_SETTINGS, monitorFields, type MonitorSettings } from '../../shared/monitor';
import type { Store } from '../db/store';
import { nowIso } from '../time';

const KEYS = Object.keys(DEFAULT_MONITOR_SETTINGS) as (keyof MonitorSettings)[];
const stored = (key: keyof MonitorSettings) => `monitor.${key}`;

/** The stored setting; a key absent, or whose value no longer fits its rule, reads as its default. */
export function readMonitorSettings(store: Store): MonitorSettings {
  const rows = store.db.prepare("SELECT key, value FROM app_setting WHERE key LIKE 'monitor.%'").all() as { key: string; value: string }[];
  const values = new Map(rows.map((row) => [row.key, row.value]));
  const settings: MonitorSettings = { ...DEFAULT_MONITOR_SETTINGS };
  for (const key of KEYS) {
    const text = values.get(stored(key));
    if (text === undefined) continue;
    const parsed = monitorFields[key].safeParse(JSON.parse(text));
    if (parsed.success) (settings as unknown as Record<string, unknown>)[key] = parsed.data;
  }
  return settings;
}

/** Stores the whole setting in one transaction. */
export function writeMonitorSettings(store: Store, settings: MonitorSettings): void {
  store.write(['app_setting'], () => {
    const put = store.db.prepare(
      'INSERT INTO app_setting (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    const at = nowIso();
    for (const key of KEYS) put.run(stored(key), JSON.stringify(settings[key]), at);
  });
}
