import type { ReactNode } from 'react';

export type CardState = 'on' | 'off' | 'ready' | 'unavailable' | 'loading' | 'error';

const STATE_LABEL: Record<CardState, string> = {
  on: 'On',
  off: 'Off',
  ready: 'Ready',
  unavailable: 'Not available',
  loading: 'Checking…',
  error: 'Error',
};

/**
 * One way to get traffic into NetLens: what it is, its state, what it changes on this machine
 * and how to undo it, and its actions.
 */
export function InterceptCard({
  title,
  state,
  stateText,
  changes,
  undo,
  children,
  label,
}: {
  title: string;
  state: CardState;
  /** Overrides the state's label (e.g. `On, set by this NetLens`). */
  stateText?: string;
  /** What using it changes on this machine. */
  changes: ReactNode;
  /** How it is undone. */
  undo: ReactNode;
  children?: ReactNode;
  label?: string;
}) {
  return (
    <section className={`intercept-card state-${state}`} aria-label={label ?? title}>
      <header>
        <h3>{title}</h3>
        <span className={`intercept-state state-${state}`} role="status">
          {stateText ?? STATE_LABEL[state]}
        </span>
      </header>
      <dl className="intercept-facts">
        <dt>Changes</dt>
        <dd>{changes}</dd>
        <dt>Undo</dt>
        <dd>{undo}</dd>
      </dl>
      {children}
    </section>
  );
}
