// What the About dialog says (the interface's and the Electron menu's): from app.info.
import type { AppInfo } from './domain';

export const PRODUCT_NAME = 'AT-TPC DAQ Control';

export interface AboutLine {
  label: string;
  value: string;
}

export function aboutLines(info: AppInfo): AboutLine[] {
  return [
    { label: 'Version', value: info.version },
    { label: 'Data directory', value: info.dataDir },
    { label: 'Database schema version', value: String(info.schemaVersion) },
  ];
}
