// Saving text files from the interface: the system's save dialog in Electron (through the
// preload), a download in a browser. Views call this and never care which. (Opening a file needs
// nothing of the kind: a file input works in Electron's sandboxed page as in a browser.)
import type { FileSaveResult } from '../../../shared/api/transport';

/** Saves text under a suggested name: Electron asks where; a browser downloads it. */
export async function saveTextFile(suggestedName: string, content: string, mimeType = 'text/plain'): Promise<FileSaveResult> {
  if (window.daq?.saveFile) return window.daq.saveFile(suggestedName, content);
  const url = URL.createObjectURL(new Blob([content], { type: `${mimeType};charset=utf-8` }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = suggestedName;
    link.style.display = 'none';
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // After the click has handed the data to the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { saved: true, path: suggestedName };
}
