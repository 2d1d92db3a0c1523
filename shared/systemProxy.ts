/**
 * The operating system's proxy setting as NetLens sees and changes it (docs/system-proxy.md):
 * what is set now, whether NetLens set it, and what turning it off gives back.
 */
export type SystemProxyBackend = 'gnome' | 'kde' | 'macos' | 'windows';

export interface SystemProxyOwner {
  /** The NetLens process that set it and restores it when it stops; absent when it was set by
   * `netlens system-proxy on --proxy HOST:PORT`, which stays until `netlens system-proxy off`. */
  pid?: number;
  /** What that process is: `netlens proxy`, `netlens web`, `the NetLens app`, `netlens system-proxy on`. */
  name: string;
  sinceMs: number;
  /** The owner is the process answering (the app's own engine). */
  self: boolean;
}

export interface SystemProxyState {
  /** A desktop whose proxy setting NetLens can change was found. */
  supported: boolean;
  backend?: SystemProxyBackend;
  /** e.g. `GNOME (gsettings)`, `macOS (networksetup: Wi-Fi, Ethernet)`. */
  backendLabel?: string;
  /** When not supported: what was looked for, and what to use instead (`netlens env`, `netlens browser`). */
  unsupportedReason?: string;
  /** NetLens set the OS proxy and has not restored it yet. */
  active: boolean;
  owner?: SystemProxyOwner;
  /** `manual`: the OS sends traffic to NetLens; `pac`: through a PAC file that falls back to DIRECT. */
  mode?: 'manual' | 'pac';
  /** Where the OS sends traffic while active (`http://127.0.0.1:PORT`; its exchanges are labelled `system`). */
  proxyUrl?: string;
  /** In `pac` mode, the auto-config URL the OS was given. */
  pacUrl?: string;
  /** One line: what is set now (e.g. `manual http 127.0.0.1:8899, https 127.0.0.1:8899; ignore localhost, 127.0.0.0/8, ::1`). */
  current: string;
  /** One line: what `off` restores, when NetLens set it. */
  restore?: string;
  /** What needs the user's attention: a journal NetLens cannot use, a setting changed by someone
   * else since NetLens set it, a proxy that no longer listens. One line each. */
  warnings?: string[];
}

export interface SystemProxyRequest {
  on: boolean;
  /** Point the OS at a PAC file served by NetLens (`PROXY host:port; DIRECT`). */
  pac?: boolean;
}
