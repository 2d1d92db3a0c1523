import { Component, Fragment } from 'react';
import type { ErrorInfo, ReactNode } from 'react';

/** Long enough for any real message; a message quoting megabytes of captured data is cut. */
const MAX_SHOWN_CHARS = 2000;

function cut(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}

export interface ErrorBoundaryProps {
  /** What is inside, for the message: `Overview`, `Status codes`, `Exchange detail`. */
  label: string;
  /** What "Reload" brings back: `view`, `card`, `pane`. */
  unit: 'view' | 'card' | 'pane';
  children: ReactNode;
}

interface ErrorBoundaryState {
  error?: Error;
  /** Bumped by "Reload": the children mount afresh, with their own state reset. */
  generation: number;
}

/**
 * One part of the UI that failed to render shows its error here instead of unmounting the
 * whole app: the navigation, the status bar and the other views keep working. One wraps each
 * view, each Overview card and the detail pane.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { generation: 0 };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`NetLens: ${this.props.label} failed to render`, error, info.componentStack);
  }

  private readonly reload = () => this.setState((s) => ({ error: undefined, generation: s.generation + 1 }));

  override render() {
    const { error, generation } = this.state;
    const { label, unit, children } = this.props;
    if (!error) return <Fragment key={generation}>{children}</Fragment>;
    return (
      <section className={`render-error render-error-${unit}`} role="alert" aria-label={`${label} failed`}>
        <h2>{label} could not be shown</h2>
        <p className="mono render-error-message">{cut(`${error.name}: ${error.message}`)}</p>
        <p className="muted">
          {unit === 'view'
            ? 'The other views keep working. Reloading the view starts it afresh; if the same data is still there, it may fail again.'
            : `The rest of the ${unit === 'card' ? 'Overview' : 'window'} keeps working.`}
        </p>
        <button type="button" onClick={this.reload}>
          Reload {unit}
        </button>
        {error.stack ? (
          <details>
            <summary>Details</summary>
            <pre className="block">{cut(error.stack)}</pre>
          </details>
        ) : null}
      </section>
    );
  }
}
