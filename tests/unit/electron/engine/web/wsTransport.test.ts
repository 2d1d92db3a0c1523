import { describe, expect, it } from 'vitest';
import { parseRequest } from '@engine/web/wsTransport.js';

describe('parseRequest', () => {
  it('reads {id, channel, args}', () => {
    expect(parseRequest('{"id":1,"channel":"app:info","args":[]}')).toEqual({
      ok: true,
      id: 1,
      channel: 'app:info',
      args: [],
    });
    expect(parseRequest('{"id":"a","channel":"app:info"}')).toMatchObject({ ok: true, args: [] });
  });

  it('answers malformed messages with bad_request, keeping the id when there is one', () => {
    const cases: [string, unknown][] = [
      ['not json', null],
      ['[1,2]', null],
      ['null', null],
      ['{"channel":"app:info"}', null],
      ['{"id":1.5,"channel":"app:info"}', null],
      [`{"id":"${'x'.repeat(65)}","channel":"app:info"}`, null],
      ['{"id":7}', 7],
      ['{"id":7,"channel":5}', 7],
    ];
    for (const [text, id] of cases) {
      const parsed = parseRequest(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reply.id).toBe(id);
        expect(parsed.reply.result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
    }
  });
});
