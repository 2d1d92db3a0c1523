/** Desktop notifications for monitor state changes (a monitor went down, or came back). */
import { Notification } from 'electron';
import type { EngineEvent } from '../../shared/api.js';
import { monitorNotice } from './monitorNotice.js';

export function notifyMonitorEvents(event: EngineEvent, onClick: () => void): void {
  if (event.type !== 'monitor:event' || !Notification.isSupported()) return;
  const notice = monitorNotice(event.payload);
  if (!notice) return;
  try {
    const notification = new Notification({ title: `NetLens: ${notice.title}`, body: notice.body });
    notification.on('click', onClick);
    notification.show();
  } catch (error) {
    console.error('netlens: could not show a notification:', error);
  }
}
