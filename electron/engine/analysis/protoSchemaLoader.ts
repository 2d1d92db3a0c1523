/**
 * `.proto` files the user loads, parsed with protobufjs into the plain schema the decoder uses
 * (shared/protoSchema.ts). Files are kept as text and parsed together, so a file may use types
 * another loaded file defines (load both); a type no loaded file defines is listed as
 * unresolved and its fields are decoded raw. protobufjs knows Google's well-known types
 * (`google/protobuf/timestamp.proto`…) without loading them.
 */
import protobuf from 'protobufjs';
import type {
  ProtoFieldType,
  ProtoFileSummary,
  ProtoSchema,
  ProtoSchemaState,
} from '../../../shared/protoSchema.js';
import { emptyProtoSchema } from '../../../shared/protoSchema.js';

/** A .proto larger than this is refused (real ones are a few hundred KB at most). */
export const MAX_PROTO_FILE_BYTES = 4 * 1024 * 1024;
/** Loaded files kept; loading another drops the oldest. */
const MAX_PROTO_FILES = 64;

export class ProtoFileError extends Error {
  readonly code = 'proto_invalid';
}

interface LoadedFile {
  fileName: string;
  text: string;
  /** Full names of the types and services this file defines. */
  messages: string[];
  services: string[];
}

function fullName(object: protobuf.ReflectionObject): string {
  return object.fullName.replace(/^\./, '');
}

/** Parses one file on its own: a syntax error is the user's to fix, named by line. */
function parseFile(fileName: string, text: string): protobuf.IParserResult {
  try {
    return protobuf.parse(text, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ProtoFileError(`${fileName} is not a .proto file NetLens can read: ${message}.`);
  }
}

function collect(namespace: protobuf.NamespaceBase, messages: string[], services: string[]): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) messages.push(fullName(nested));
    else if (nested instanceof protobuf.Service) services.push(fullName(nested));
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      collect(nested, messages, services);
  }
}

export class ProtoSchemaRegistry {
  private files: LoadedFile[] = [];
  private built: { schema: ProtoSchema; state: ProtoSchemaState } | undefined;

  load(fileName: string, text: string): ProtoSchemaState {
    if (text.length > MAX_PROTO_FILE_BYTES)
      throw new ProtoFileError(
        `${fileName} is larger than ${MAX_PROTO_FILE_BYTES / 1024 / 1024} MB; load the .proto that defines the service.`,
      );
    const parsed = parseFile(fileName, text);
    const messages: string[] = [];
    const services: string[] = [];
    collect(parsed.root, messages, services);
    if (messages.length === 0 && services.length === 0)
      throw new ProtoFileError(`${fileName} defines no message or service.`);
    this.files = this.files.filter((f) => f.fileName !== fileName);
    this.files.push({ fileName, text, messages, services });
    if (this.files.length > MAX_PROTO_FILES) this.files.shift();
    this.built = undefined;
    return this.state();
  }

  remove(fileName: string): ProtoSchemaState {
    this.files = this.files.filter((f) => f.fileName !== fileName);
    this.built = undefined;
    return this.state();
  }

  clear(): ProtoSchemaState {
    this.files = [];
    this.built = undefined;
    return this.state();
  }

  state(): ProtoSchemaState {
    return this.build().state;
  }

  /** The loaded file whose service has this method (`package.Service/Method`), if one does. */
  fileOfMethod(method: string): string | undefined {
    return this.build().state.files.find((file) => file.methods.includes(method))?.fileName;
  }

  schema(): ProtoSchema {
    return this.build().schema;
  }

  private build(): { schema: ProtoSchema; state: ProtoSchemaState } {
    if (this.built) return this.built;
    const root = new protobuf.Root();
    const wellKnown = new Set<string>();
    for (const file of this.files) {
      try {
        const parsed = protobuf.parse(file.text, root, { keepCase: true, alternateCommentMode: true });
        for (const name of parsed.imports ?? []) if (protobuf.common.get(name)) wellKnown.add(name);
      } catch {
        // Two files defining one name: the later one's duplicates are left out.
      }
    }
    for (const name of wellKnown) {
      try {
        root.addJSON(protobuf.common.get(name)!.nested!);
      } catch {
        // Already defined by a loaded file.
      }
    }
    const unresolvedByType = new Map<string, Set<string>>();
    const schema = protoSchemaOfRoot(root, unresolvedByType);
    const state: ProtoSchemaState = {
      files: this.files.map((file): ProtoFileSummary => {
        const unresolved = new Set<string>();
        for (const name of file.messages) for (const t of unresolvedByType.get(name) ?? []) unresolved.add(t);
        const methods = Object.keys(schema.methods).filter((path) =>
          file.services.some((service) => path.startsWith(`${service}/`)),
        );
        return {
          fileName: file.fileName,
          messages: file.messages.length,
          services: file.services.length,
          methods,
          unresolved: [...unresolved].sort(),
        };
      }),
    };
    this.built = { schema, state };
    return this.built;
  }
}

/** The plain schema of a protobufjs root (parsed .proto text, or descriptors from reflection). */
export function protoSchemaOfRoot(
  root: protobuf.Root,
  unresolved: Map<string, Set<string>> = new Map(),
): ProtoSchema {
  const schema = emptyProtoSchema();
  walk(root, schema, unresolved);
  return schema;
}

function walk(
  namespace: protobuf.NamespaceBase,
  schema: ProtoSchema,
  unresolved: Map<string, Set<string>>,
): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) addType(nested, schema, unresolved);
    else if (nested instanceof protobuf.Enum) {
      const names: Record<string, string> = {};
      for (const [name, number] of Object.entries(nested.values)) names[String(number)] ??= name;
      schema.enums[fullName(nested)] = names;
    } else if (nested instanceof protobuf.Service) {
      for (const method of nested.methodsArray) {
        const resolve = (name: string) => {
          const type = nested.lookup(name);
          return type ? fullName(type) : name.replace(/^\./, '');
        };
        schema.methods[`${fullName(nested)}/${method.name}`] = {
          requestType: resolve(method.requestType),
          responseType: resolve(method.responseType),
          clientStreaming: method.requestStream === true,
          serverStreaming: method.responseStream === true,
        };
      }
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      walk(nested, schema, unresolved);
  }
}

function addType(type: protobuf.Type, schema: ProtoSchema, unresolved: Map<string, Set<string>>): void {
  const name = fullName(type);
  const fields: Record<string, ProtoFieldType> = {};
  for (const field of type.fieldsArray) {
    let resolved: protobuf.ReflectionObject | null = null;
    try {
      field.resolve();
      resolved = field.resolvedType;
    } catch {
      if (!unresolved.has(name)) unresolved.set(name, new Set());
      unresolved.get(name)!.add(field.type);
    }
    if (field instanceof protobuf.MapField) {
      // map<K, V> is `repeated Entry { K key = 1; V value = 2; }` on the wire.
      const entryName = `${name}.${field.name}$Entry`;
      schema.messages[entryName] = {
        fields: {
          '1': { name: 'key', type: field.keyType, repeated: false },
          '2': valueField('value', field.type, resolved, false),
        },
      };
      fields[String(field.id)] = { name: field.name, type: 'map', typeName: entryName, repeated: true };
      continue;
    }
    fields[String(field.id)] = valueField(field.name, field.type, resolved, field.repeated);
  }
  schema.messages[name] = { fields };
}

function valueField(
  name: string,
  type: string,
  resolved: protobuf.ReflectionObject | null,
  repeated: boolean,
): ProtoFieldType {
  if (resolved instanceof protobuf.Type)
    return { name, type: 'message', typeName: fullName(resolved), repeated };
  if (resolved instanceof protobuf.Enum)
    return { name, type: 'enum', typeName: fullName(resolved), repeated };
  // An unresolved message or enum type: decoded raw, but named.
  if (!(type in protobuf.types.basic) && type !== 'string' && type !== 'bytes')
    return { name, type: 'message', typeName: type.replace(/^\./, ''), repeated };
  return { name, type, repeated };
}
