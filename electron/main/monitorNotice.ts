/**
 * What a desktop notification says for a monitor event, or undefined for events that do not
 * deserve one (samples, the first "up" after start). The payload comes from the engine
 * (shared/monitor.ts MonitorStateChange) and is checked defensively: a malformed one is ignored.
 */
export interface MonitorNotice {
  title: string;
  body: string;
}

export function monitorNotice(payload: unknown): MonitorNotice | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.kind !== 'state') return undefined;
  const name = typeof p.name === 'string' && p.name.trim() !== '' ? p.name.trim().slice(0, 120) : 'A monitor';
  const message = typeof p.message === 'string' ? p.message.slice(0, 300) : '';
  if (p.to === 'down') return { title: `${name} is down`, body: message || 'The last check failed.' };
  // Recovering is news; starting up healthy is not.
  if (p.to === 'up' && p.from === 'down')
    return { title: `${name} is up again`, body: message || 'Checks pass again.' };
  return undefined;
}
