/**
 * Windows registers browsers under `HKCU|HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\<exe>`;
 * `reg query KEY /ve` prints the default value. The value's label (`(Default)`) is translated on
 * other locales; its type and the value are not.
 */
export function appPathsKeys(exe: string): string[] {
  const key = `SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\App Paths\\${exe}`;
  return [`HKCU\\${key}`, `HKLM\\${key}`];
}

export function parseRegQueryDefault(text: string, env: NodeJS.ProcessEnv = {}): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s+.*?\s{2,}(REG_SZ|REG_EXPAND_SZ)\s{2,}(.+?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (match[1] === 'REG_EXPAND_SZ') {
      value = value.replace(/%([^%]+)%/g, (whole, name: string) => {
        const found = Object.entries(env).find(([key]) => key.toLowerCase() === name.toLowerCase());
        return found?.[1] ?? whole;
      });
    }
    return value === '' ? undefined : value;
  }
  return undefined;
}
