// App-wide state that is not a query result: how we are connected, what the server said about
// this connection (app.info, including read-only), and the colour theme.
import { create } from 'zustand';
import type { AppInfo } from '../../../shared/domain';
import type { ConnectionState } from '../api/connection';

export type Theme = 'dark' | 'light';

const THEME_KEY = 'attpc-daq.theme';

function savedTheme(): Theme {
  try {
    return window.localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

export interface AppState {
  connection: ConnectionState;
  appInfo: AppInfo | undefined;
  appInfoError: string | undefined;
  theme: Theme;
  setConnection: (connection: ConnectionState) => void;
  setAppInfo: (appInfo: AppInfo) => void;
  setAppInfoError: (message: string) => void;
  toggleTheme: () => void;
}

export const useAppStore = create<AppState>()((set, get) => ({
  connection: 'connecting',
  appInfo: undefined,
  appInfoError: undefined,
  theme: savedTheme(),
  setConnection: (connection) => set({ connection }),
  setAppInfo: (appInfo) => set({ appInfo, appInfoError: undefined }),
  setAppInfoError: (appInfoError) => set({ appInfoError }),
  toggleTheme: () => {
    const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
    try {
      window.localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Not remembered across restarts then; the toggle still works.
    }
    set({ theme });
  },
}));

/** Whether changes are refused; also while we do not know yet. */
export function useReadOnly(): boolean {
  return useAppStore((state) => state.appInfo?.readOnly ?? true);
}
