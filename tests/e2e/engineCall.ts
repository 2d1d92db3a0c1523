/** An API call made from Node over web mode's WebSocket, as a second page would: the engine's own answer. */
import WebSocket from 'ws';
import type { WebApp } from './harness.js';

export async function engineCall(app: WebApp, channel: string): Promise<unknown> {
  const url = new URL(app.uiUrl);
  const socket = new WebSocket(`ws://${url.host}/api?token=${app.token}`, {
    origin: url.origin,
    maxPayload: 1 << 30,
  });
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${channel}: no reply within 60 s`)), 60_000);
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: { ok: boolean; value?: unknown };
        };
        if (message.id !== 1) return;
        clearTimeout(timer);
        if (message.result?.ok) resolve(message.result.value);
        else reject(new Error(`${channel} failed: ${JSON.stringify(message.result)}`));
      });
      socket.send(JSON.stringify({ id: 1, channel, args: [] }));
    });
  } finally {
    socket.close();
  }
}
