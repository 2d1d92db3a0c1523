/**
 * The operating system's proxy setting as NetLens sees and changes it (DESIGN.md, Interception):
 * what is set now, whether NetLens set it, and what turning it off gives back.
 */
export type SystemProxyBackend = 'gnome' | 'kde' | 'macos' | 'windows';

export interface SystemProxyState {
  /** A desktop whose proxy setting NetLens can change was found. */
  supported: boolean;
  backend?: SystemProxyBackend;
  /** When not supported: what was looked for, and what to use instead (`netlens env`, `netlens browser`). */
  unsupportedReason?: string;
  /** NetLens set the OS proxy and has not restored it yet. */
  active: boolean;
  /** The NetLens process that set it, and since when; `self` when it is this process. */
  owner?: { pid: number; sinceMs: number; self: boolean };
  /** `manual`: the OS sends traffic to NetLens; `pac`: through a PAC file that falls back to DIRECT. */
  mode?: 'manual' | 'pac';
  /** One line: what is set now (e.g. `manual http://127.0.0.1:8899, ignore localhost,127.0.0.0/8`). */
  current: string;
  /** One line: what `off` restores, when NetLens set it. */
  restore?: string;
}

export interface SystemProxyRequest {
  on: boolean;
  /** Point the OS at a PAC file served by NetLens (`PROXY host:port; DIRECT`). */
  pac?: boolean;
}
