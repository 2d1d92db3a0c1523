/**
 * The colour theme: the user's choice (light, dark, or the system's) kept in the page's
 * localStorage, so web mode and the desktop app each remember it, and resolved to `light` or
 * `dark` on <html data-theme>. The stylesheet's variables follow that attribute; canvases that
 * paint from those variables redraw through onThemeChange.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'netlens.theme';
export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System theme' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const listeners = new Set<() => void>();
let media: MediaQueryList | undefined;

function darkQuery(): MediaQueryList | undefined {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return undefined;
  media ??= window.matchMedia('(prefers-color-scheme: dark)');
  return media;
}

export function readThemeChoice(): ThemeChoice {
  try {
    const saved = window.localStorage.getItem(THEME_STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    // Storage can be disabled (a privacy setting): the system's theme then.
    return 'system';
  }
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): ResolvedTheme {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

/** Sets <html data-theme> from the saved choice and the system's preference. */
export function applyTheme(): ResolvedTheme {
  const resolved = resolveTheme(readThemeChoice(), darkQuery()?.matches ?? false);
  document.documentElement.dataset.theme = resolved;
  return resolved;
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not persisted; it still applies to this page.
  }
  const resolved = resolveTheme(choice, darkQuery()?.matches ?? false);
  document.documentElement.dataset.theme = resolved;
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever the resolved theme may have changed (the choice, or the OS's). */
export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  const query = darkQuery();
  const onSystem = () => {
    applyTheme();
    listener();
  };
  query?.addEventListener('change', onSystem);
  return () => {
    listeners.delete(listener);
    query?.removeEventListener('change', onSystem);
  };
}
