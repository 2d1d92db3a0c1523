import { useEffect, useState } from 'react';
import { copyText } from './copyText';

/** A button that copies `text` (or what `getText` resolves to) and says so for a moment. */
export function CopyButton({
  text,
  getText,
  label,
  title,
}: {
  text?: string;
  getText?: () => Promise<string>;
  label: string;
  title?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      title={title}
      onClick={async () => {
        try {
          await copyText(getText ? await getText() : (text ?? ''));
          setState('copied');
        } catch {
          setState('failed');
        }
      }}
    >
      {state === 'copied' ? '✓ Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
