// Reading and writing the settings (table app_setting, one JSON value per key): a key that is
// absent, or whose stored value no longer fits its rule, reads as its default.
import { DEFAULT_SETTINGS, SETTING_KEYS, settingsFields, type Settings } from '../../shared/settings';
import type { Store } from '../db/store';
import { nowIso } from '../time';

export function readSettings(store: Store): Settings {
  const rows = store.db.prepare('SELECT key, value FROM app_setting').all() as { key: string; value: string }[];
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const { key, value } of rows) {
    if (!(SETTING_KEYS as string[]).includes(key)) continue;
    const name = key as keyof Settings;
    const parsed = settingsFields[name].safeParse(JSON.parse(value));
    if (parsed.success) settings[name] = parsed.data;
  }
  return settings;
}

/** Writes the settings given (validated by the caller) in one transaction; returns them all. */
export function writeSettings(store: Store, changes: Partial<Settings>): Settings {
  store.write(['app_setting'], () => {
    const put = store.db.prepare(
      'INSERT INTO app_setting (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    const at = nowIso();
    for (const key of SETTING_KEYS) {
      const value = changes[key];
      if (value !== undefined) put.run(key, JSON.stringify(value), at);
    }
  });
  return readSettings(store);
}
