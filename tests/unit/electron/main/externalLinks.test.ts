import { describe, expect, it } from 'vitest';
import { createExternalLinks } from '@main/externalLinks.js';

describe('createExternalLinks', () => {
  it('asks once at a time: a burst of window.open calls is one question', async () => {
    const questions: string[] = [];
    const opened: string[] = [];
    let answer: (yes: boolean) => void = () => undefined;
    const links = createExternalLinks({
      confirm: (url) => {
        questions.push(url);
        return new Promise((resolve) => (answer = resolve));
      },
      open: async (url) => void opened.push(url),
    });
    const first = links.request('https://example.com/1');
    for (let i = 2; i <= 50; i++) await links.request(`https://example.com/${i}`);
    expect(questions).toEqual(['https://example.com/1']);
    answer(true);
    await first;
    expect(opened).toEqual(['https://example.com/1']);
    // Answered: the next request asks again.
    const next = links.request('https://example.com/next');
    answer(false);
    await next;
    expect(questions).toEqual(['https://example.com/1', 'https://example.com/next']);
    expect(opened).toEqual(['https://example.com/1']);
  });

  it('reports a failure to open and keeps working', async () => {
    const reported: unknown[] = [];
    const links = createExternalLinks({
      confirm: async () => true,
      open: async () => {
        throw new Error('no browser');
      },
      report: (error) => reported.push(error),
    });
    await links.request('https://example.com/');
    await links.request('https://example.com/again');
    expect(reported).toHaveLength(2);
  });

  it('passes only parsed http(s) URLs without credentials to the question', async () => {
    const questions: string[] = [];
    const links = createExternalLinks({
      confirm: async (url) => (questions.push(url), false),
      open: async () => undefined,
    });
    for (const raw of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://u@example.com/',
      42,
      'HTTPS://Example.com/a b',
    ]) {
      await links.request(raw);
    }
    expect(questions).toEqual(['https://example.com/a%20b']);
  });
});
