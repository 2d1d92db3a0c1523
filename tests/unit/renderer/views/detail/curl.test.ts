/// <reference types="node" />
// The shell is the judge of quoting: these tests run the generated commands through /bin/sh.
// What curl then sends is judged against a recording server in tests/integration/copyAsCurl.test.ts.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCurl, shellQuote } from '@renderer/views/detail/curl';
import { headers, makeExchange } from '@fixtures/exchangeFactory';

/** What a POSIX shell makes of a command line: each argument on its own line, via printf. */
function shellWords(command: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes everything else', () => {
    expect(shellQuote('https://a.test/x?y=1')).toBe("'https://a.test/x?y=1'");
    expect(shellQuote('plain-word_1.2')).toBe('plain-word_1.2');
    expect(shellQuote('')).toBe("''");
  });

  it('survives quotes, $, backticks, newlines and globbing in a real shell', () => {
    const nasty = `it's $(rm -rf /) \`id\` "q" * \\ \n$HOME`;
    expect(shellWords(shellQuote(nasty))).toEqual([nasty]);
  });
});

describe('buildCurl', () => {
  it('builds a GET with headers, dropping hop-by-hop and the redundant Host', () => {
    const exchange = makeExchange({
      url: 'https://api.example.com/v1/items?q=a b',
      requestHeaders: headers({
        Host: 'api.example.com',
        Accept: 'application/json',
        'Proxy-Connection': 'keep-alive',
        'X-Token': "a'b",
      }),
    });
    const command = buildCurl(exchange);
    expect(command).not.toContain('-x ');
    expect(command).not.toContain('Proxy-Connection');
    expect(command).not.toContain('Host:');
    const words = shellWords(command.replace(/^curl /, ''));
    expect(words).toEqual([
      '-H',
      'Accept: application/json',
      '-H',
      "X-Token: a'b",
      // The client sent no User-Agent: curl must not send its own.
      '-H',
      'User-Agent:',
      '--url',
      'https://api.example.com/v1/items?q=a%20b',
    ]);
  });

  it('sends a text body with --data-raw, keeps Accept-Encoding and decodes with --compressed', () => {
    const exchange = makeExchange({
      method: 'POST',
      url: 'http://127.0.0.1:8080/submit',
      requestHeaders: headers({
        'Content-Type': 'application/json',
        'Content-Length': '13',
        'Accept-Encoding': 'gzip, br',
      }),
    });
    const body = new TextEncoder().encode(`{"a":"it's"}`);
    const words = shellWords(buildCurl(exchange, { body }).replace(/^curl /, ''));
    expect(words).toEqual([
      '-H',
      'Content-Type: application/json',
      '-H',
      'Accept-Encoding: gzip, br',
      '-H',
      'User-Agent:',
      '-H',
      'Accept:',
      '--compressed',
      '--data-raw',
      `{"a":"it's"}`,
      '--url',
      'http://127.0.0.1:8080/submit',
    ]);
  });

  it('pipes a binary body through printf with octal escapes that a shell turns back into the bytes', () => {
    const exchange = makeExchange({ method: 'PUT', url: 'http://127.0.0.1/bin', requestHeaders: [] });
    const bytes = new Uint8Array([0, 1, 0xff, 0x27, 0x0a]);
    const command = buildCurl(exchange, { body: bytes });
    expect(command).toMatch(/^printf '%b' '.*' \| curl -X PUT .*--data-binary @- --url /);
    const printf = command.slice(0, command.indexOf(' | '));
    const produced = execFileSync('/bin/sh', ['-c', printf]);
    expect([...produced]).toEqual([...bytes]);
  });

  it('keeps the method as recorded: methods are case-sensitive', () => {
    const words = shellWords(
      buildCurl(makeExchange({ method: 'get', url: 'http://a.test/', requestHeaders: [] })).replace(
        /^curl /,
        '',
      ),
    );
    expect(words.slice(0, 2)).toEqual(['-X', 'get']);
  });

  it('uses --head for HEAD and marks a truncated body', () => {
    const head = buildCurl(makeExchange({ method: 'HEAD', url: 'http://a.test/', requestHeaders: [] }));
    expect(head).toBe("curl --head -H 'User-Agent:' -H 'Accept:' --url http://a.test/");
    const cut = buildCurl(makeExchange({ method: 'POST', url: 'http://a.test/' }), {
      body: new TextEncoder().encode('x'),
      bodyTruncated: true,
    });
    expect(cut.split('\n')[0]).toMatch(/^# /);
  });
});
