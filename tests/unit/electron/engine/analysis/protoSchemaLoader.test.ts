import { describe, expect, it } from 'vitest';
import { ProtoSchemaRegistry } from '@engine/analysis/protoSchemaLoader.js';
import { protoMethodOfPath } from '@shared/protoSchema.js';
import { ECHO_PROTO } from '@fixtures/echoProto.js';

describe('ProtoSchemaRegistry', () => {
  it('lists a loaded file with its methods, and maps gRPC paths to their types', () => {
    const registry = new ProtoSchemaRegistry();
    const state = registry.load('echo.proto', ECHO_PROTO);
    expect(state.files).toEqual([
      {
        fileName: 'echo.proto',
        messages: 3,
        services: 1,
        methods: ['netlens.test.Echo/Say', 'netlens.test.Echo/Chat'],
        unresolved: [],
      },
    ]);
    expect(protoMethodOfPath(registry.schema(), '/netlens.test.Echo/Chat')).toEqual({
      requestType: 'netlens.test.EchoRequest',
      responseType: 'netlens.test.EchoReply',
      clientStreaming: true,
      serverStreaming: true,
    });
    expect(protoMethodOfPath(registry.schema(), '/other.Svc/M')).toBeUndefined();
  });

  it('a syntax error names the file and the line, and keeps what was loaded', () => {
    const registry = new ProtoSchemaRegistry();
    registry.load('echo.proto', ECHO_PROTO);
    expect(() => registry.load('bad.proto', 'syntax = "proto3";\nmessage M { int32 x = ; }')).toThrow(
      /bad\.proto is not a \.proto file NetLens can read: .*line 2/,
    );
    expect(() => registry.load('empty.proto', 'syntax = "proto3";')).toThrow(/defines no message or service/);
    expect(registry.state().files.map((f) => f.fileName)).toEqual(['echo.proto']);
  });

  it('types from another file resolve once that file is loaded; until then they are listed', () => {
    const registry = new ProtoSchemaRegistry();
    const uses = 'syntax = "proto3"; package a; import "b.proto"; message A { b.B b = 1; }';
    expect(registry.load('a.proto', uses).files[0]!.unresolved).toEqual(['b.B']);
    const state = registry.load('b.proto', 'syntax = "proto3"; package b; message B { string s = 1; }');
    expect(state.files.map((f) => [f.fileName, f.unresolved])).toEqual([
      ['a.proto', []],
      ['b.proto', []],
    ]);
    expect(registry.schema().messages['a.A']!.fields['1']).toEqual({
      name: 'b',
      type: 'message',
      typeName: 'b.B',
      repeated: false,
    });
    expect(registry.remove('b.proto').files[0]!.unresolved).toEqual(['b.B']);
  });

  it('loading a file of the same name replaces it', () => {
    const registry = new ProtoSchemaRegistry();
    registry.load('x.proto', 'syntax = "proto3"; package x; message One { int32 a = 1; }');
    registry.load('x.proto', 'syntax = "proto3"; package x; message Two { int32 a = 1; }');
    expect(registry.state().files).toHaveLength(1);
    expect(Object.keys(registry.schema().messages)).toEqual(['x.Two']);
  });
});
