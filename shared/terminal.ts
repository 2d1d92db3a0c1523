/** Terminal set-up (DESIGN.md, Interception: `netlens env`, `netlens shell`). */
export type ShellKind = 'sh' | 'fish' | 'powershell' | 'cmd';

export interface TerminalSetup {
  shell: ShellKind;
  /** Lines to paste or eval in that shell. */
  lines: string[];
  /** The source label the terminal's traffic carries. */
  source: string;
  proxyUrl: string;
}
