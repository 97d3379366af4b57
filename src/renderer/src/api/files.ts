// Saving and opening text files from the interface: the system dialogs in Electron (through the
// preload), a download and a file chooser in a browser. Views call these and never care which.
import type { FileOpenResult, FileSaveResult } from '../../../shared/api/transport';
import { MAX_OPENED_FILE_BYTES } from '../../../shared/api/transport';

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

/** Lets the operator pick a text file (e.g. extensions ['json']) and reads it. */
export function openTextFile(extensions: string[]): Promise<FileOpenResult> {
  if (window.daq?.openFile) return window.daq.openFile(extensions);
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = extensions.map((e) => `.${e}`).join(',');
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve({ opened: false });
      if (file.size > MAX_OPENED_FILE_BYTES) return resolve({ opened: false, error: `${file.name} is ${file.size} bytes: too large for a setup file` });
      file.text().then(
        (content) => resolve({ opened: true, name: file.name, content }),
        (error: unknown) => resolve({ opened: false, error: `Could not read ${file.name}: ${String(error)}` }),
      );
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve({ opened: false });
    });
    document.body.append(input);
    input.click();
  });
}
