// The script the transition scenario installs in the page (as text: it runs in the browser, not
// here). A MutationObserver notes, for every row of a table that has a "State" column and whose
// first cell (or an element in it) names one of the benchmark's ECC servers, each time the state text it shows changes,
// with the page's clock (performance.timeOrigin + performance.now(): milliseconds since the epoch,
// the same clock as this machine's Node processes), and again at the next animation frame (the
// change is painted right after). Tolerant by design: it finds the row by the server's name and
// reads the state word in the State column, whatever else the view around it is made of.
export const OBSERVER_SCRIPT = `
(names) => {
  const wanted = new Set(names);
  const STATE = /\\b(Off|Idle|Described|Prepared|Ready|Running|Paused|Not reached)\\b/;
  const now = () => performance.timeOrigin + performance.now();
  const shown = new Map();
  const changes = [];
  window.__daqBench = { changes, shown };
  const scan = () => {
    const t = now();
    for (const table of document.querySelectorAll('table')) {
      const heads = [...table.querySelectorAll('thead th')].map((th) => (th.textContent || '').trim());
      const column = heads.findIndex((h) => /^state$/i.test(h));
      if (column < 0) continue;
      for (const row of table.querySelectorAll('tbody tr')) {
        const cells = [...row.children];
        // The name is the first cell's text, or that of an element in it (the Status view puts
        // the address under the name).
        const first = cells[0];
        if (!first || !cells[column]) continue;
        const name = [first, ...first.querySelectorAll('*')].map((e) => (e.textContent || '').trim()).find((t) => wanted.has(t));
        if (!name) continue;
        const match = STATE.exec(cells[column].textContent || '');
        const state = match ? match[1] : '';
        if (shown.get(name) === state) continue;
        shown.set(name, state);
        const entry = { name, state, dom: t, frame: null };
        changes.push(entry);
        requestAnimationFrame(() => { entry.frame = now(); });
      }
    }
  };
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
  scan();
}
`;

/** One change the page showed. */
export interface PageChange {
  name: string;
  state: string;
  /** When the DOM showed it (ms since the epoch, page clock). */
  dom: number;
  /** The next animation frame after it, or null if none came yet. */
  frame: number | null;
}
