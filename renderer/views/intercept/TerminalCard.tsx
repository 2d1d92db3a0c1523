import { useState } from 'react';
import type { ShellKind } from '../../../shared/terminal';
import { call } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { InterceptCard } from './InterceptCard';
import { errorOf, useChannel } from './useChannel';

const SHELLS: { shell: ShellKind; label: string }[] = [
  { shell: 'sh', label: 'bash / zsh / sh' },
  { shell: 'fish', label: 'fish' },
  { shell: 'powershell', label: 'PowerShell' },
  { shell: 'cmd', label: 'cmd' },
];

/** A terminal whose tools (curl, Python, Node, git…) go through NetLens and trust its CA. */
export function TerminalCard({ platform }: { platform?: string }) {
  const [shell, setShell] = useState<ShellKind>(platform === 'win32' ? 'powershell' : 'sh');
  const setup = useChannel('terminal:env', shell);
  const [opened, setOpened] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const text = setup.value?.lines.join('\n') ?? '';
  const open = async () => {
    setError(undefined);
    try {
      const terminal = await call('terminal:open');
      setOpened((list) => [...list, terminal.source]);
    } catch (e) {
      setError(errorOf(e).message);
    }
  };
  return (
    <InterceptCard
      title="Terminal"
      state={setup.error && !setup.value ? 'error' : opened.length > 0 ? 'on' : 'ready'}
      stateText={opened.length > 0 ? `Opened: ${opened.join(', ')}` : undefined}
      changes="Only the terminal you open or paste these lines into: its proxy variables and the CA bundle its tools read."
      undo="Close that terminal (or exit the shell); your other terminals are untouched."
    >
      <div className="intercept-actions">
        <button type="button" className="primary" onClick={() => void open()}>
          Open a terminal
        </button>
        <div className="segmented" role="group" aria-label="Shell">
          {SHELLS.map((s) => (
            <button
              key={s.shell}
              type="button"
              aria-pressed={shell === s.shell}
              onClick={() => setShell(s.shell)}
            >
              {s.label}
            </button>
          ))}
        </div>
        {text && <CopyButton text={text} label="Copy lines" title="Copy the lines for this shell" />}
      </div>
      {setup.error && <p className="intercept-error">{setup.error.message}</p>}
      {text && <pre className="block intercept-lines">{text}</pre>}
      <p className="muted">
        From any terminal: <code>netlens shell</code> starts a configured shell,{' '}
        <code>eval "$(netlens env)"</code> configures the current one.
      </p>
      {error && (
        <p className="intercept-error" role="alert">
          {error}
        </p>
      )}
    </InterceptCard>
  );
}
