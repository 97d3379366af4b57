// The About dialog: the version, the data directory and the database's schema version, as app.info
// reports them for this connection (the Electron menu's About says the same, src/main/app/menu.ts).
import { Fragment } from 'react';
import { Dialog } from 'radix-ui';
import { PRODUCT_NAME, aboutLines } from '../../../shared/about';
import { useAppStore } from '../state/app-store';

export function AboutButton() {
  const appInfo = useAppStore((state) => state.appInfo);
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>
        <button type="button" className="button-quiet">
          About
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-confirm">
          <Dialog.Title>About {PRODUCT_NAME}</Dialog.Title>
          <Dialog.Description>The control-room application of the AT-TPC data acquisition system.</Dialog.Description>
          {appInfo ? (
            <dl className="paths" aria-label="About this application">
              {aboutLines(appInfo).map(({ label, value }) => (
                <Fragment key={label}>
                  <dt>{label}</dt>
                  <dd className={label === 'Data directory' ? 'mono' : undefined}>{value}</dd>
                </Fragment>
              ))}
            </dl>
          ) : (
            <p>Reading the application's information…</p>
          )}
          <div className="actions actions-end">
            <Dialog.Close asChild>
              <button type="button">Close</button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
