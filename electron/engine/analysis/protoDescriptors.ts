/**
 * Serialized FileDescriptorProtos (what a gRPC server's reflection service answers, see
 * grpc/doc/server-reflection.md) made into the plain schema the decoder uses: protobufjs reads
 * them into a Root (protobufjs/ext/descriptor), and the same walk as for a loaded .proto names
 * the messages, enums and methods. Pure: the network side is proxy/grpcReflectionClient.ts.
 */
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import type { ProtoSchema } from '../../../shared/protoSchema.js';
import { protoSchemaOfRoot } from './protoSchemaLoader.js';

/** A FileDescriptorProto decoded just enough to follow its imports. */
export interface FileDescriptorBytes {
  name: string;
  dependencies: string[];
  bytes: Uint8Array;
}

interface DecodedFile {
  name?: string;
  dependency?: string[];
}

/** Reads a FileDescriptorProto's name and imports; throws when the bytes are not one. */
export function readFileDescriptor(bytes: Uint8Array): FileDescriptorBytes {
  const decoded = descriptor.FileDescriptorProto.decode(bytes) as unknown as DecodedFile;
  return { name: decoded.name ?? '', dependencies: [...(decoded.dependency ?? [])], bytes };
}

/** Imports no file of `files` defines: the ones to ask the server for next. */
export function missingDependencies(files: readonly FileDescriptorBytes[]): string[] {
  const have = new Set(files.map((file) => file.name));
  const missing = new Set<string>();
  for (const file of files)
    for (const name of file.dependencies)
      if (!have.has(name) && !protobuf.common.get(name)) missing.add(name);
  return [...missing].sort();
}

/**
 * The schema of a set of FileDescriptorProtos. Google's well-known types a file imports but the
 * set does not carry are added from protobufjs' copies; a type nothing defines is decoded raw.
 */
export function schemaOfFileDescriptors(files: readonly FileDescriptorBytes[]): {
  schema: ProtoSchema;
  unresolved: string[];
} {
  const unique = new Map<string, FileDescriptorBytes>();
  for (const file of files) if (!unique.has(file.name)) unique.set(file.name, file);
  const decoded = [...unique.values()].map((file) => descriptor.FileDescriptorProto.decode(file.bytes));
  // keepCase: field names as the .proto writes them (`user_id`), as a loaded .proto shows them.
  const root = (
    protobuf.Root as unknown as {
      fromDescriptor(set: { file: unknown[] }, options: { keepCase: boolean }): protobuf.Root;
    }
  ).fromDescriptor({ file: decoded }, { keepCase: true });
  for (const file of unique.values()) {
    for (const name of file.dependencies) {
      const wellKnown = unique.has(name) ? undefined : protobuf.common.get(name);
      if (!wellKnown?.nested) continue;
      try {
        root.addJSON(wellKnown.nested);
      } catch {
        // Already there (another file imported it too).
      }
    }
  }
  const unresolvedByType = new Map<string, Set<string>>();
  const schema = protoSchemaOfRoot(root, unresolvedByType);
  const unresolved = new Set<string>();
  for (const names of unresolvedByType.values()) for (const name of names) unresolved.add(name);
  return { schema, unresolved: [...unresolved].sort() };
}
