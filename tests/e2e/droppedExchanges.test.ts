/**
 * More exchanges arrive than the engine keeps in memory: the page drops what the engine dropped
 * (its count equals the engine's), and the detail of a dropped row says so. Scaled down from the
 * 150,000-over-100,000 of a real session to 15,000 over `--max-exchanges 10000`: the same
 * drops, in seconds instead of minutes on a shared 2-core machine.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { engineCall } from './engineCall.js';
import { useE2e, WAIT_MS } from './fixture.js';

const KEPT = 10_000;
const SENT = 15_000;
const CONCURRENCY = 16;
/** Bound of the whole burst through the proxy. */
const BURST_MS = 240_000;

const e2e = useE2e({ app: { args: ['--max-exchanges', String(KEPT)] } });

/** SENT GETs through the proxy on keep-alive sockets, CONCURRENCY at a time. */
async function burst(count: number): Promise<void> {
  const proxy = new URL(e2e.app.proxyUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await new Promise<void>((resolve, reject) => {
        const request = http.request(
          {
            host: proxy.hostname,
            port: Number(proxy.port),
            path: `${e2e.origin}/burst/${i}`,
            agent,
            headers: { Host: new URL(e2e.origin).host },
          },
          (response) => {
            response.resume();
            response.on('end', resolve);
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end();
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
}

describe(`${SENT} exchanges arrive, ${KEPT} kept in memory`, () => {
  it(
    'the page’s count is the engine’s, and a dropped row’s detail says it was dropped',
    async () => {
      const { page } = e2e;
      expect((await e2e.viaProxy('/first')).status).toBe(200);
      await e2e.waitForRows(1);
      await e2e.rows().first().click();
      await e2e.detail().getByText('/first').first().waitFor({ timeout: WAIT_MS });

      await burst(SENT);

      await page
        .getByLabel('Exchange count')
        .filter({ hasText: `${KEPT} exchanges` })
        .waitFor({ timeout: BURST_MS });
      const engineList = (await engineCall(e2e.app, 'exchanges:list')) as { request: { url: string } }[];
      expect(engineList.length).toBe(KEPT);
      expect(await page.getByLabel('Exchange count').textContent()).toBe(`${engineList.length} exchanges`);
      // The newest are the ones kept, in the engine as in the page.
      expect(engineList[engineList.length - 1]!.request.url).toBe(`${e2e.origin}/burst/${SENT - 1}`);

      await e2e
        .detail()
        .getByText('This exchange was dropped from memory', { exact: false })
        .waitFor({ timeout: WAIT_MS });
      await e2e.screenshot('dropped-exchange-detail');
      expect(e2e.pageErrors).toEqual([]);
    },
    2 * BURST_MS,
  );
});
