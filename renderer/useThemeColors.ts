import { useSyncExternalStore } from 'react';
import { onThemeChange } from './theme';
import { STATUS_TONES, toneVar } from './statusTone';
import type { StatusTone } from './statusTone';

export interface ThemeColors {
  tone: Record<StatusTone, string>;
  fg: string;
  muted: string;
  border: string;
  bg: string;
}

let cached: { theme: string | undefined; colors: ThemeColors } | undefined;

/** The stylesheet's colours resolved for SVG attributes and canvases (which cannot read var()). */
export function readThemeColors(): ThemeColors {
  const theme = document.documentElement.dataset.theme;
  if (cached && cached.theme === theme) return cached.colors;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const tone = Object.fromEntries(STATUS_TONES.map((t) => [t, read(toneVar(t), '#888888')])) as Record<
    StatusTone,
    string
  >;
  const colors = {
    tone,
    fg: read('--fg', '#1d2330'),
    muted: read('--fg-muted', '#5d6576'),
    border: read('--border', '#d8dce3'),
    bg: read('--bg', '#ffffff'),
  };
  cached = { theme, colors };
  return colors;
}

/** readThemeColors, re-read when the theme changes. */
export function useThemeColors(): ThemeColors {
  return useSyncExternalStore(onThemeChange, readThemeColors, readThemeColors);
}
