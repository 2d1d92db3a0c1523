/**
 * Links leaving the app for the user's browser (`window.open`, a link with a target). The app
 * itself opens none: its one page shows captured traffic, which is untrusted. So a request to
 * open one is parsed (http and https only, no credentials: urlPolicy.ts) and then the user is
 * asked, with the whole URL in front of them, before the operating system gets it — as VS Code
 * and Slack do. One question at a time: a page opening windows in a loop gets one dialog, not
 * a thousand.
 */
import { safeExternalUrl } from './urlPolicy.js';

export interface ExternalLinkDeps {
  /** Shows the URL and asks whether to open it; resolves true to open. */
  confirm(url: string): Promise<boolean>;
  open(url: string): Promise<void>;
  /** Where a failure to ask or to open is reported. */
  report?(error: unknown): void;
}

export interface ExternalLinks {
  /** Handles one request (never throws); resolves when it was answered or dropped. */
  request(raw: unknown): Promise<void>;
}

export function createExternalLinks(deps: ExternalLinkDeps): ExternalLinks {
  let asking = false;
  const report = deps.report ?? ((error: unknown) => console.error('netlens: opening a link failed:', error));
  return {
    async request(raw) {
      const url = safeExternalUrl(raw);
      if (url === undefined || asking) return;
      asking = true;
      try {
        if (await deps.confirm(url)) await deps.open(url);
      } catch (error) {
        report(error);
      } finally {
        asking = false;
      }
    },
  };
}
