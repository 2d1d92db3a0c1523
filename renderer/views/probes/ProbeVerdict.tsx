/** The verdict line of every probe tool (probe, ping, route, ports): green when ok, red when not. */
import type { ReactNode } from 'react';

export function ProbeVerdict({
  ok,
  alert = false,
  children,
}: {
  ok: boolean;
  /** A failure to run the tool at all is an alert; a tool's answer is a status. */
  alert?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={ok ? 'probe-verdict ok' : 'probe-verdict failed'} role={alert ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Why a probe tool could not run at all (the call failed); nothing while there is no such reason. */
export function ProbeProblem({ problem }: { problem: string | undefined }) {
  return problem ? (
    <ProbeVerdict ok={false} alert>
      {problem}
    </ProbeVerdict>
  ) : null;
}
