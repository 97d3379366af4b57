// The settings operations: read them all, change some.
import { defineHandlers } from '../api/handler';
import { readSettings, writeSettings } from './queries';

export function settingsHandlers() {
  return defineHandlers({
    'settings.get': {
      reads: ['app_setting'],
      run: (_input, { store }) => readSettings(store),
    },
    'settings.update': {
      run: (input, { store, auditTarget }) => {
        auditTarget(Object.entries(input).map(([key, value]) => `${key} = ${String(value)}`).join(', '));
        return writeSettings(store, input);
      },
    },
  });
}
