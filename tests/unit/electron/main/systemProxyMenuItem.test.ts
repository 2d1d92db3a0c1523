import { describe, expect, it } from 'vitest';
import type { MenuItem } from 'electron';
import { systemProxyMenuItem } from '@main/systemProxyMenuItem.js';

describe('the "Use NetLens as System Proxy" checkbox', () => {
  it('is checked while NetLens holds the OS proxy, and says what unchecking restores', () => {
    const item = systemProxyMenuItem(
      {
        supported: true,
        backend: 'gnome',
        active: true,
        current: 'manual: http 127.0.0.1:1',
        restore: 'none (direct)',
      },
      () => undefined,
    );
    expect(item).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    expect(item.toolTip).toBe('Now: manual: http 127.0.0.1:1. Unchecking restores: none (direct).');
  });

  it('is disabled with the reason where no desktop can be set, and while the state is unknown', () => {
    const item = systemProxyMenuItem(
      {
        supported: false,
        active: false,
        current: 'unknown',
        unsupportedReason: 'No desktop… use `netlens env`.',
      },
      () => undefined,
    );
    expect(item).toMatchObject({ checked: false, enabled: false, toolTip: 'No desktop… use `netlens env`.' });
    expect(systemProxyMenuItem(undefined, () => undefined)).toMatchObject({ enabled: false, checked: false });
  });

  it("a click asks for the checkbox's new state", () => {
    const asked: boolean[] = [];
    const item = systemProxyMenuItem({ supported: true, active: false, current: 'none (direct)' }, (on) =>
      asked.push(on),
    );
    item.click!({ checked: true } as MenuItem, undefined, {} as never);
    expect(asked).toEqual([true]);
  });
});
