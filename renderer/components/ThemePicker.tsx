import { useSyncExternalStore } from 'react';
import { onThemeChange, readThemeChoice, setThemeChoice, THEME_CHOICES } from '../theme';
import type { ThemeChoice } from '../theme';

/** The theme menu of the header: System theme, Light, Dark (remembered per browser profile). */
export function ThemePicker() {
  const choice = useSyncExternalStore(onThemeChange, readThemeChoice, () => 'system' as ThemeChoice);
  return (
    <select
      className="theme-picker"
      aria-label="Theme"
      title="Colour theme"
      value={choice}
      onChange={(event) => setThemeChoice(event.target.value as ThemeChoice)}
    >
      {THEME_CHOICES.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
