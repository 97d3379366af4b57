// Renderer entry: chooses the transport, keeps app.info in the app store, and mounts the view.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext, createApiClient } from './api/client';
import { App } from './App';
import { useAppStore } from './state/app-store';
import './styles.css';

const store = useAppStore.getState();
const { client } = createApiClient(store.setConnection);

// app.info says, among other things, whether this connection is read-only; it is subscribed
// once for the whole app rather than per view.
client.subscribe(
  'app.info',
  {},
  (info) => useAppStore.getState().setAppInfo(info),
  (error) => useAppStore.getState().setAppInfoError(`Cannot read the application's information: ${error.message}`),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={client}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
