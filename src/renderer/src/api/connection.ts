// How the renderer is connected to the main process, as shown to the operator.
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost, reconnecting…',
  unauthorized: 'Not signed in',
};
