import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { describe, expect, it } from 'vitest';
import { ECHO_PROTO } from '@fixtures/echoProto.js';
import {
  missingDependencies,
  readFileDescriptor,
  schemaOfFileDescriptors,
} from '@engine/analysis/protoDescriptors.js';
import { decodeProtobuf } from '@shared/protobufWire.js';

/** A FileDescriptorProto on the wire, as a reflection service sends it. */
function fileBytes(file: Record<string, unknown>): Uint8Array {
  return descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(file)).finish();
}

/** ECHO_PROTO's descriptors, made the way protoc would (protobufjs' own toDescriptor). */
function echoDescriptors(): Uint8Array[] {
  const root = protobuf.parse(ECHO_PROTO, new protobuf.Root(), { keepCase: true }).root;
  root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
  const set = (root as unknown as { toDescriptor(edition: string): { file: unknown[] } }).toDescriptor(
    'proto3',
  );
  return set.file.map((file) => descriptor.FileDescriptorProto.encode(file as protobuf.Message).finish());
}

describe('FileDescriptorProtos → names', () => {
  it('names the methods, messages, enums and maps of a service', () => {
    const files = echoDescriptors().map(readFileDescriptor);
    const { schema, unresolved } = schemaOfFileDescriptors(files);
    expect(unresolved).toEqual([]);
    expect(schema.methods['netlens.test.Echo/Say']).toEqual({
      requestType: 'netlens.test.EchoRequest',
      responseType: 'netlens.test.EchoReply',
      clientStreaming: false,
      serverStreaming: false,
    });
    expect(schema.methods['netlens.test.Echo/Chat']).toMatchObject({
      clientStreaming: true,
      serverStreaming: true,
    });
    const request = schema.messages['netlens.test.EchoRequest']!.fields;
    expect(request['4']).toEqual({ name: 'signed', type: 'sint64', repeated: false });
    expect(request['13']).toEqual({
      name: 'mood',
      type: 'enum',
      typeName: 'netlens.test.Mood',
      repeated: false,
    });
    expect(request['14']).toMatchObject({ name: 'tags', type: 'map', repeated: true });
    expect(request['16']).toMatchObject({
      name: 'at',
      type: 'message',
      typeName: 'google.protobuf.Timestamp',
    });
    expect(schema.enums['netlens.test.Mood']).toEqual({
      '0': 'MOOD_UNSPECIFIED',
      '1': 'HAPPY',
      '2': 'GRUMPY',
    });

    // The schema names a real message's fields: text 'hi', signed -3 (zigzag 5), mood GRUMPY.
    const message = Uint8Array.from([0x0a, 0x02, 0x68, 0x69, 0x20, 0x05, 0x68, 0x02]);
    const decoded = decodeProtobuf(message, { schema, typeName: 'netlens.test.EchoRequest' });
    expect(decoded.fields.map((f) => [f.name, f.text])).toEqual([
      ['text', 'hi'],
      ['signed', '-3'],
      ['mood', 'GRUMPY'],
    ]);
  });

  it('follows imports across files; an import nobody sent is asked for, then its types resolve', () => {
    const common = fileBytes({
      name: 'acme/common.proto',
      package: 'acme',
      messageType: [{ name: 'Money', field: [{ name: 'units', number: 1, label: 1, type: 3 }] }],
    });
    const api = fileBytes({
      name: 'acme/api.proto',
      package: 'acme.v1',
      dependency: ['acme/common.proto', 'google/protobuf/empty.proto'],
      messageType: [
        {
          name: 'Charge',
          field: [
            { name: 'order_id', number: 1, label: 1, type: 9 },
            { name: 'amount', number: 2, label: 1, type: 11, typeName: '.acme.Money' },
          ],
        },
      ],
      service: [
        {
          name: 'Billing',
          method: [{ name: 'Pay', inputType: '.acme.v1.Charge', outputType: '.google.protobuf.Empty' }],
        },
      ],
    });
    const alone = [readFileDescriptor(api)];
    // Google's well-known files need not be asked for: protobufjs has them.
    expect(missingDependencies(alone)).toEqual(['acme/common.proto']);
    expect(schemaOfFileDescriptors(alone).unresolved).toEqual(['acme.Money']);
    expect(schemaOfFileDescriptors(alone).schema.messages['acme.v1.Charge']!.fields['2']).toMatchObject({
      type: 'message',
      typeName: 'acme.Money',
    });
    expect(schemaOfFileDescriptors(alone).schema.messages['acme.Money']).toBeUndefined();

    const both = [...alone, readFileDescriptor(common)];
    expect(missingDependencies(both)).toEqual([]);
    const { schema, unresolved } = schemaOfFileDescriptors(both);
    expect(unresolved).toEqual([]);
    expect(schema.methods['acme.v1.Billing/Pay']).toMatchObject({
      requestType: 'acme.v1.Charge',
      responseType: 'google.protobuf.Empty',
    });
    expect(schema.messages['acme.v1.Charge']!.fields['1']!.name).toBe('order_id');
    expect(schema.messages['acme.v1.Charge']!.fields['2']).toMatchObject({
      type: 'message',
      typeName: 'acme.Money',
    });
  });

  it('bytes that are not a FileDescriptorProto are refused', () => {
    expect(() => readFileDescriptor(Uint8Array.from([0x0a, 0x50]))).toThrow();
  });
});
