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

interface DescriptorMessage {
  name?: string;
  field?: { typeName?: string }[];
  nestedType?: DescriptorMessage[];
  enumType?: { name?: string }[];
}

interface DescriptorFile {
  name?: string;
  package?: string;
  messageType?: DescriptorMessage[];
  enumType?: { name?: string }[];
  service?: { method?: { inputType?: string; outputType?: string }[] }[];
}

/** A type name as a field or method writes it, and the scope it is written in. */
interface TypeReference {
  name: string;
  scope: string;
}

/** Full names (with the leading dot) a file defines, and the ones its fields and methods name. */
function namesOf(file: DescriptorFile, defined: Set<string>, referenced: TypeReference[]): void {
  const scope = file.package ? `.${file.package}` : '';
  const visit = (message: DescriptorMessage, prefix: string): void => {
    const name = `${prefix}.${message.name ?? ''}`;
    defined.add(name);
    for (const field of message.field ?? [])
      if (field.typeName) referenced.push({ name: field.typeName, scope: name });
    for (const nested of message.nestedType ?? []) visit(nested, name);
    for (const nested of message.enumType ?? []) defined.add(`${name}.${nested.name ?? ''}`);
  };
  for (const message of file.messageType ?? []) visit(message, scope);
  for (const nested of file.enumType ?? []) defined.add(`${scope}.${nested.name ?? ''}`);
  for (const service of file.service ?? [])
    for (const method of service.method ?? []) {
      if (method.inputType) referenced.push({ name: method.inputType, scope });
      if (method.outputType) referenced.push({ name: method.outputType, scope });
    }
}

/**
 * The full name a reference resolves to, or undefined. protoc writes full names (`.pkg.Type`);
 * other writers may leave them relative, resolved from the innermost scope out (as protoc does).
 */
function resolveReference(reference: TypeReference, defined: Set<string>): string | undefined {
  if (reference.name.startsWith('.')) return defined.has(reference.name) ? reference.name : undefined;
  for (let scope = reference.scope; ; scope = scope.slice(0, Math.max(0, scope.lastIndexOf('.')))) {
    const candidate = `${scope}.${reference.name}`;
    if (defined.has(candidate)) return candidate;
    if (scope === '') return undefined;
  }
}

type DescriptorRoot = {
  fromDescriptor(set: { file: unknown[] }, options: { keepCase: boolean }): protobuf.Root;
};

/**
 * The schema of a set of FileDescriptorProtos. Google's well-known types a file imports but the
 * set does not carry come from protobufjs' copies. A type nothing defines (an import the server
 * did not send) is listed as unresolved, and fields of that type are decoded raw: protobufjs
 * refuses a set with a dangling name, so an empty stand-in is defined for it while the root is
 * built, and left out of the schema.
 */
export function schemaOfFileDescriptors(files: readonly FileDescriptorBytes[]): {
  schema: ProtoSchema;
  unresolved: string[];
} {
  const unique = new Map<string, FileDescriptorBytes>();
  for (const file of files) if (!unique.has(file.name)) unique.set(file.name, file);
  const decoded = [...unique.values()].map(
    (file) => descriptor.FileDescriptorProto.decode(file.bytes) as unknown as DescriptorFile,
  );
  const set: unknown[] = [...decoded];
  for (const name of new Set([...unique.values()].flatMap((file) => file.dependencies))) {
    const wellKnown = unique.has(name) ? undefined : protobuf.common.get(name);
    if (!wellKnown) continue;
    const copy = protobuf.Root.fromJSON(wellKnown) as unknown as {
      toDescriptor(edition: string): { file: DescriptorFile[] };
    };
    for (const file of copy.toDescriptor('proto3').file) set.push({ ...file, name });
  }
  const defined = new Set<string>();
  const referenced: TypeReference[] = [];
  for (const file of set as DescriptorFile[]) namesOf(file, defined, referenced);
  // A relative name nothing defines is stood in for at its own scope's package.
  const unresolved = [
    ...new Set(
      referenced
        .filter((reference) => resolveReference(reference, defined) === undefined)
        .map((reference) => (reference.name.startsWith('.') ? reference.name : `.${reference.name}`)),
    ),
  ].sort();
  for (const name of unresolved) {
    const at = name.lastIndexOf('.');
    set.push({
      name: `netlens-unresolved${name}.proto`,
      ...(at > 1 ? { package: name.slice(1, at) } : {}),
      messageType: [{ name: name.slice(at + 1) }],
    });
  }
  let root: protobuf.Root;
  try {
    // keepCase: field names as the .proto writes them (`user_id`), as a loaded .proto shows them.
    root = (protobuf.Root as unknown as DescriptorRoot).fromDescriptor({ file: set }, { keepCase: true });
  } catch (error) {
    throw new Error(
      `the descriptors do not make a whole schema: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const schema = protoSchemaOfRoot(root);
  for (const name of unresolved) delete schema.messages[name.slice(1)];
  return { schema, unresolved: unresolved.map((name) => name.slice(1)) };
}
