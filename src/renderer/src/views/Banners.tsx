// Notices across the top of the window: the alarms that call for attention, and this connection as a whole.
import { useAppStore } from '../state/app-store';
import { AlarmBanners } from './alarms/AlarmBanners';

export function Banners() {
  const appInfo = useAppStore((state) => state.appInfo);
  const appInfoError = useAppStore((state) => state.appInfoError);
  const connection = useAppStore((state) => state.connection);
  return (
    <>
      <AlarmBanners />
      {appInfo?.readOnly ? (
        <div className="banner banner-read-only" role="note" aria-label="Read-only">
          <strong>Read-only.</strong> This connection can look at everything but change nothing: it is a monitor of
          the control room, or the server was started with --read-only.
        </div>
      ) : null}
      {connection === 'unauthorized' ? (
        <div className="banner banner-error" role="alert">
          <strong>Not signed in.</strong> Open the link the server printed (with its token) again; on a monitor, the
          monitor address the control room hands out (its token may have been replaced).
        </div>
      ) : null}
      {connection === 'reconnecting' ? (
        <div className="banner banner-warning" role="alert">
          <strong>Connection lost.</strong> Reconnecting; what is shown may be out of date.
        </div>
      ) : null}
      {appInfoError ? (
        <div className="banner banner-error" role="alert">
          {appInfoError}
        </div>
      ) : null}
    </>
  );
}
