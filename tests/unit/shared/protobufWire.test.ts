import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf, formatProtoText, type ProtoField } from '@shared/protobufWire.js';
import { ProtoSchemaRegistry } from '@engine/analysis/protoSchemaLoader.js';
import { ECHO_PROTO } from '@fixtures/echoProto.js';

const root = protobuf.parse(ECHO_PROTO, new protobuf.Root(), { keepCase: true }).root;
root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
const EchoRequest = root.lookupType('netlens.test.EchoRequest');

function encode(value: Record<string, unknown>): Uint8Array {
  return EchoRequest.encode(EchoRequest.fromObject(value)).finish();
}

function field(fields: readonly ProtoField[], number: number): ProtoField {
  const found = fields.find((f) => f.number === number);
  if (!found) throw new Error(`no field ${number} in ${JSON.stringify(fields)}`);
  return found;
}

const SAMPLE = {
  text: 'hello',
  count: -5,
  big: '9007199254740993',
  signed: -3,
  flag: true,
  ratio: 0.25,
  share: 1.5,
  f32: 7,
  sf64: -2,
  blob: Buffer.from([0xff, 0x00, 0x01]),
  inner: { label: 'in', delta: -1 },
  numbers: [1, 300, 2],
  mood: 'GRUMPY',
  tags: { a: 1 },
  items: [{ label: 'x' }, { label: 'y' }],
  at: { seconds: 1700000000, nanos: 5 },
};

describe('decodeProtobuf without a schema (protoc --decode_raw)', () => {
  const { fields, error } = decodeProtobuf(encode(SAMPLE));

  it('reads every field without error, in wire order', () => {
    expect(error).toBeUndefined();
    expect(fields.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 16]);
  });

  it('varints as unsigned decimal, with the signed readings as alternatives', () => {
    // int32 -5 is sign-extended to 10 bytes on the wire.
    expect(field(fields, 2)).toMatchObject({ wireType: 'varint', text: '18446744073709551611' });
    expect(field(fields, 2).alternatives).toContain('int64 -5');
    expect(field(fields, 3).text).toBe('9007199254740993');
    expect(field(fields, 4)).toMatchObject({ text: '5' });
    expect(field(fields, 4).alternatives).toContain('sint -3');
    expect(field(fields, 5).text).toBe('1');
  });

  it('fixed64 and fixed32 as hex, with their float and integer readings', () => {
    expect(field(fields, 6)).toMatchObject({ wireType: 'fixed64', text: '0x3fd0000000000000' });
    expect(field(fields, 6).alternatives).toContain('double 0.25');
    expect(field(fields, 7)).toMatchObject({ wireType: 'fixed32', text: '0x3fc00000' });
    expect(field(fields, 7).alternatives).toContain('float 1.5');
    expect(field(fields, 8).alternatives).toContain('int32 7');
    expect(field(fields, 9).alternatives).toContain('int64 -2');
  });

  it('length-delimited: text, nested messages, bytes, packed varints', () => {
    expect(field(fields, 1)).toMatchObject({ kind: 'string', text: 'hello' });
    const inner = field(fields, 11);
    expect(inner.kind).toBe('message');
    expect(inner.fields).toMatchObject([
      { number: 1, kind: 'string', text: 'in' },
      { number: 2, kind: 'varint', text: '1' },
    ]);
    expect(field(fields, 10)).toMatchObject({ kind: 'bytes', text: 'ff 00 01' });
    expect(field(fields, 12)).toMatchObject({ kind: 'packed', values: ['1', '300', '2'] });
    expect(field(fields, 14).fields).toMatchObject([
      { number: 1, text: 'a' },
      { number: 2, text: '1' },
    ]);
    expect(field(fields, 16).fields).toMatchObject([
      { number: 1, text: '1700000000' },
      { number: 2, text: '5' },
    ]);
  });

  it('formats as protoc does, nested by indentation', () => {
    const text = formatProtoText(fields);
    expect(text).toContain('1: "hello"\n');
    expect(text).toContain('11 {\n  1: "in"\n  2: 1\n}\n');
    expect(text).toContain('6: 0x3fd0000000000000\n');
  });

  it('reads proto2 groups', () => {
    // Field 3, START_GROUP (3 << 3 | 3 = 27), inner field 1 varint 150, END_GROUP (3 << 3 | 4 = 28).
    const result = decodeProtobuf(new Uint8Array([27, 8, 0x96, 0x01, 28]));
    expect(result.error).toBeUndefined();
    expect(result.fields).toMatchObject([
      { number: 3, wireType: 'group', kind: 'message', fields: [{ number: 1, text: '150' }] },
    ]);
  });

  it('bad bytes: the fields before them, and why', () => {
    const good = encode({ text: 'ok' });
    const cut = decodeProtobuf(new Uint8Array([...good, 0x12, 0x05, 0x61]));
    expect(cut.fields).toMatchObject([{ number: 1, text: 'ok' }]);
    expect(cut.error).toMatch(/runs past the end/);
    expect(decodeProtobuf(new Uint8Array([0x0f])).error).toMatch(/wire type 7/);
    expect(decodeProtobuf(new Uint8Array([0x00])).error).toMatch(/field number 0/);
    expect(
      decodeProtobuf(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
        .error,
    ).toMatch(/longer than 10 bytes/);
  });

  it('deep nesting is capped, not a stack overflow', () => {
    let bytes = new Uint8Array([8, 1]);
    for (let i = 0; i < 200; i += 1) bytes = new Uint8Array([0x0a, ...varint(bytes.length), ...bytes]);
    const result = decodeProtobuf(bytes);
    expect(result.error).toBeUndefined();
    let depth = 0;
    let node: ProtoField | undefined = result.fields[0];
    while (node?.kind === 'message') {
      depth += 1;
      node = node.fields?.[0];
    }
    // Past the cap the inner bytes are shown without being parsed further.
    expect(depth).toBeGreaterThan(10);
    expect(depth).toBeLessThan(200);
  });
});

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}

describe('decodeProtobuf with a schema from a .proto', () => {
  const registry = new ProtoSchemaRegistry();
  registry.load('echo.proto', ECHO_PROTO);
  const schema = registry.schema();
  const { fields, error } = decodeProtobuf(encode(SAMPLE), { schema, typeName: 'netlens.test.EchoRequest' });

  it('names fields and reads values as their declared types', () => {
    expect(error).toBeUndefined();
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(byName.text).toMatchObject({ kind: 'string', text: 'hello', type: 'string' });
    expect(byName.count!.text).toBe('-5');
    expect(byName.big!.text).toBe('9007199254740993');
    expect(byName.signed!.text).toBe('-3');
    expect(byName.flag!.text).toBe('true');
    expect(byName.ratio!.text).toBe('0.25');
    expect(byName.share!.text).toBe('1.5');
    expect(byName.f32!.text).toBe('7');
    expect(byName.sf64!.text).toBe('-2');
    expect(byName.blob).toMatchObject({ kind: 'bytes', text: 'ff 00 01' });
    expect(byName.inner!.fields).toMatchObject([
      { name: 'label', text: 'in' },
      { name: 'delta', text: '-1' },
    ]);
    expect(byName.numbers).toMatchObject({ kind: 'packed', values: ['1', '300', '2'] });
    expect(byName.mood).toMatchObject({ kind: 'enum', text: 'GRUMPY', type: 'netlens.test.Mood' });
    expect(byName.tags!.fields).toMatchObject([
      { name: 'key', text: 'a' },
      { name: 'value', text: '1' },
    ]);
    expect(byName.at!.fields).toMatchObject([
      { name: 'seconds', text: '1700000000' },
      { name: 'nanos', text: '5' },
    ]);
    expect(fields.filter((f) => f.name === 'items').map((f) => f.fields?.[0]?.text)).toEqual(['x', 'y']);
  });

  it('a field sent with another wire type than declared is shown raw and flagged', () => {
    // Field 1 (declared string) sent as varint 7.
    const result = decodeProtobuf(new Uint8Array([0x08, 0x07]), {
      schema,
      typeName: 'netlens.test.EchoRequest',
    });
    expect(result.fields[0]).toMatchObject({
      name: 'text',
      text: '7',
      mismatch: 'declared string, sent as varint',
    });
  });

  it('fields the schema does not have are decoded raw', () => {
    const result = decodeProtobuf(new Uint8Array([0xa8, 0x06, 0x01]), {
      schema,
      typeName: 'netlens.test.EchoRequest',
    });
    expect(result.fields[0]).toMatchObject({ number: 101, text: '1' });
    expect(result.fields[0]!.name).toBeUndefined();
  });
});
