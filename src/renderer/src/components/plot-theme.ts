// What every uPlot chart here shares: the page's theme (the root's data-theme), followed as it
// changes, and real colours read from the theme's variables (a canvas cannot use variables).
export function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

export const themeSnapshot = (): string => document.documentElement.dataset.theme ?? 'dark';

export function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
