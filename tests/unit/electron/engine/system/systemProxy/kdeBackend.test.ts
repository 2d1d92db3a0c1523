import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KDE_ABSENT, kdeBackend, parseKreadconfig } from '@engine/system/systemProxy/kdeBackend.js';
import { planChange, planCommands } from '@engine/system/systemProxy/settingsPlan.js';
import { formatCommand } from '@engine/system/systemProxy/systemCommand.js';
import { fixturePath } from '@fixtures/paths.js';
import { recordedRunner } from '@fixtures/recordedRunner.js';

const recorded = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(fixturePath('system', name), 'utf8')) as Record<string, string>;
const backend = kdeBackend({ read: 'kreadconfig5', write: 'kwriteconfig5' });

async function read(name: string) {
  const outputs = recorded(name);
  const { run, calls } = recordedRunner((c) => {
    const key = c.args[c.args.indexOf('--key') + 1]!;
    return c.file === 'kreadconfig5' && c.args.includes('--default') ? outputs[key] : undefined;
  });
  return { settings: await backend.read(run), calls };
}

describe('KDE backend (kioslaverc [Proxy Settings])', () => {
  it('reads each key with a default that marks a key the file lacks', async () => {
    const { settings, calls } = await read('kde-kreadconfig-manual.json');
    expect(formatCommand(calls[0]!, 'linux')).toBe(
      `kreadconfig5 --file kioslaverc --group 'Proxy Settings' --key NoProxyFor --default ${KDE_ABSENT}`,
    );
    expect(settings).toEqual({
      NoProxyFor: 'localhost,127.0.0.1,.corp.example',
      ReversedException: 'false',
      httpProxy: 'http://proxy.corp.example 3128',
      httpsProxy: 'http://proxy.corp.example 3128',
      'Proxy Config Script': null,
      ProxyType: '1',
    });
    expect(backend.describe(settings)).toBe(
      'manual: http http://proxy.corp.example:3128, https http://proxy.corp.example:3128; ignore localhost,127.0.0.1,.corp.example',
    );
    expect(parseKreadconfig(`${KDE_ABSENT}\n`)).toBeNull();
    expect(parseKreadconfig('\n')).toBe('');
  });

  it('manual: writes the proxy as Plasma does (`http://host port`), keeps the bypass list, then reparses KIO', async () => {
    const { settings: previous } = await read('kde-kreadconfig-manual.json');
    const applied = backend.desired(previous, { mode: 'manual', host: '127.0.0.1', port: 41234 });
    const plan = planChange(backend, previous, applied, 'apply');
    expect(planCommands(plan).map((c) => formatCommand(c, 'linux'))).toEqual([
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key NoProxyFor localhost,127.0.0.1,.corp.example,127.0.0.0/8,::1",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpProxy 'http://127.0.0.1 41234'",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpsProxy 'http://127.0.0.1 41234'",
      'dbus-send --session --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:',
    ]);
    expect(
      planCommands(planChange(backend, applied, previous, 'restore')).map((c) => c.args.slice(-1)[0]),
    ).toEqual([
      'http://proxy.corp.example 3128',
      'http://proxy.corp.example 3128',
      'localhost,127.0.0.1,.corp.example',
      'string:',
    ]);
  });

  it('pac over a PAC: keys the file lacked are deleted again on restore', async () => {
    const { settings: previous } = await read('kde-kreadconfig-pac.json');
    expect(backend.describe(previous)).toBe('automatic, PAC http://wpad.corp.example/proxy.pac');
    const manual = backend.desired(previous, { mode: 'manual', host: '127.0.0.1', port: 8899 });
    const restore = planChange(backend, manual, previous, 'restore');
    expect(restore.steps.map((s) => formatCommand(s.commands[0]!, 'linux'))).toEqual([
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key ProxyType 2",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpsProxy --delete",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpProxy --delete",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key NoProxyFor --delete",
    ]);
    const pac = backend.desired(previous, { mode: 'pac', pacUrl: 'http://127.0.0.1:8899/proxy.pac' });
    expect(
      planCommands(planChange(backend, previous, pac, 'apply')).map((c) => c.args.slice(-2).join(' ')),
    ).toEqual([
      'Proxy Config Script http://127.0.0.1:8899/proxy.pac',
      'org.kde.KIO.Scheduler.reparseSlaveConfiguration string:',
    ]);
  });

  it('turns a reversed exception list back to normal while NetLens is the proxy', () => {
    const previous = {
      NoProxyFor: 'only.these.example',
      ReversedException: 'true',
      httpProxy: null,
      httpsProxy: null,
      'Proxy Config Script': null,
      ProxyType: '0',
    };
    expect(backend.describe(previous)).toBe('none (direct)');
    const applied = backend.desired(previous, { mode: 'manual', host: '127.0.0.1', port: 1 });
    expect(applied.ReversedException).toBe('false');
  });
});
