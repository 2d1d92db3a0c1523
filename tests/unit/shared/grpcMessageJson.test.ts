import { describe, expect, it } from 'vitest';
import type { GrpcMessagesView } from '@shared/grpcMessages.js';
import {
  grpcMessagesJson,
  MAX_JSON_MESSAGES,
  MAX_JSON_MESSAGE_CHARS,
  protoFieldsToJson,
} from '@shared/grpcMessageJson.js';
import { decodeProtobuf } from '@shared/protobufWire.js';
import type { ProtoSchema } from '@shared/protoSchema.js';

const SCHEMA: ProtoSchema = {
  messages: {
    'demo.Order': {
      fields: {
        '1': { name: 'id', type: 'int64', repeated: false },
        '2': { name: 'qty', type: 'int32', repeated: false },
        '3': { name: 'tags', type: 'string', repeated: true },
        '4': { name: 'paid', type: 'bool', repeated: false },
        '5': { name: 'lines', type: 'int32', repeated: true },
        '6': { name: 'status', type: 'enum', typeName: 'demo.Status', repeated: false },
        '7': { name: 'item', type: 'message', typeName: 'demo.Item', repeated: false },
        '8': { name: 'ratio', type: 'double', repeated: false },
      },
    },
    'demo.Item': { fields: { '1': { name: 'sku', type: 'string', repeated: false } } },
  },
  enums: { 'demo.Status': { '0': 'NEW', '1': 'SHIPPED' } },
  methods: {},
};

// id 1, qty 2, tags ["a"], paid true, lines [3, 4] (packed), status SHIPPED, item {sku "x"}, ratio 0.5
const ORDER = Uint8Array.from([
  0x08, 0x01, 0x10, 0x02, 0x1a, 0x01, 0x61, 0x20, 0x01, 0x2a, 0x02, 0x03, 0x04, 0x30, 0x01, 0x3a, 0x03, 0x0a,
  0x01, 0x78, 0x41, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f,
]);

describe('protoFieldsToJson', () => {
  it('with a schema: names, protobuf JSON types (int64 as text), lists for repeated fields even of one', () => {
    const { fields } = decodeProtobuf(ORDER, { schema: SCHEMA, typeName: 'demo.Order' });
    expect(protoFieldsToJson(fields)).toEqual({
      id: '1',
      qty: 2,
      tags: ['a'],
      paid: true,
      lines: [3, 4],
      status: 'SHIPPED',
      item: { sku: 'x' },
      ratio: 0.5,
    });
  });

  it('without one: by field number, a number seen twice as a list, raw fixed64 in hex', () => {
    // 1: "hi", 2: 5, 2: 6, 3: fixed64
    const bytes = Uint8Array.from([
      0x0a, 0x02, 0x68, 0x69, 0x10, 0x05, 0x10, 0x06, 0x19, 1, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(protoFieldsToJson(decodeProtobuf(bytes).fields)).toEqual({
      1: 'hi',
      2: [5, 6],
      3: '0x0000000000000001',
    });
  });
});

function view(messages: number, text = 'x'): GrpcMessagesView {
  const message = (index: number) => ({
    index,
    lengthBytes: 3,
    compressed: false,
    decoded: { fields: [{ number: 1, wireType: 'len' as const, kind: 'string' as const, text }] },
  });
  return {
    method: 'demo.Svc/M',
    schemaMethod: false,
    request: { messages: Array.from({ length: messages }, (_, i) => message(i)), notShown: 3 },
    response: { messages: [message(0)], notShown: 0 },
  };
}

describe('grpcMessagesJson', () => {
  it('keeps the first messages each way and counts the rest', () => {
    const json = grpcMessagesJson(view(MAX_JSON_MESSAGES + 5));
    expect(json.request).toHaveLength(MAX_JSON_MESSAGES);
    expect(json.notShown).toEqual({ request: 5 + 3 });
    expect(json.response).toEqual([{ fields: { 1: 'x' } }]);
  });

  it('a message too large as JSON is left out with the reason; the call stays within its bound', () => {
    const big = grpcMessagesJson(view(1, 'y'.repeat(MAX_JSON_MESSAGE_CHARS)));
    expect(big.request[0]).toEqual({
      error: expect.stringMatching(/characters of JSON when decoded, more than the 16384 kept per message/),
    });
    const many = grpcMessagesJson(view(20, 'z'.repeat(8000)));
    expect(JSON.stringify(many).length).toBeLessThan(70 * 1024);
    // The long request stream loses its last messages; the one response stays.
    expect(many.request.length + (many.notShown?.request ?? 0) - 3).toBe(20);
    expect(many.response).toHaveLength(1);
  });
});
