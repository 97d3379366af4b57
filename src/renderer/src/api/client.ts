// Picks the transport once at start: Electron IPC when the preload's bridge is there, otherwise
// HTTP and WebSocket to the server that served this page; either way one subscription per query
// and input, shared by the views that follow it. Views reach the client through context.
import { createContext, useContext } from 'react';
import type { ApiClient } from '../../../shared/api/contract';
import { findBridge } from './bridge';
import type { ConnectionState } from './connection';
import { HttpClient } from './http-client';
import { IpcClient } from './ipc-client';
import { SharedSubscriptionsClient } from './shared-client';

export type Transport = 'ipc' | 'http';

export function createApiClient(onConnectionChange: (state: ConnectionState) => void): {
  client: ApiClient;
  transport: Transport;
} {
  const bridge = findBridge();
  if (bridge) {
    // IPC to our own main process cannot drop while the window exists.
    onConnectionChange('connected');
    return { client: new SharedSubscriptionsClient(new IpcClient(bridge)), transport: 'ipc' };
  }
  return { client: new SharedSubscriptionsClient(new HttpClient({ onConnectionChange })), transport: 'http' };
}

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiContext');
  return client;
}
