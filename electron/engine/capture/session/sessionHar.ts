/**
 * A saved session as HAR 1.2, written entry by entry as the journal is read: constant memory
 * for a session of any size (docs/sessions.md).
 */
import { bodyPayload } from '../bodyPayload.js';
import { toHarEntry, type HarExportSettings } from '../harExport.js';
import { harHeadText } from '../harText.js';
import { sessionExchanges } from './sessionReader.js';

export interface SessionHarOptions {
  redact?: boolean;
  creatorVersion: string;
  /** Told about a torn or corrupt tail (its exchanges are left out). */
  onProblem?: (message: string) => void;
  /** gRPC messages decoded (`_netlens.grpc.decoded`), as for an export of the live list. */
  grpcMessages?: HarExportSettings['grpcMessages'];
}

/** Writes the session in `dir` through `write`; resolves with the number of entries. */
export async function writeSessionHar(
  dir: string,
  write: (text: string) => Promise<void>,
  options: SessionHarOptions,
): Promise<number> {
  await write(harHeadText(options.creatorVersion));
  let count = 0;
  for await (const { exchange, bodies } of sessionExchanges(dir, {
    ...(options.onProblem ? { onProblem: options.onProblem } : {}),
  })) {
    const entry = await toHarEntry(exchange, {
      loadBody: (_id, side) =>
        bodyPayload(side === 'request' ? exchange.request.body : exchange.response?.body, bodies?.[side]),
      redact: options.redact ?? false,
      creatorVersion: options.creatorVersion,
      ...(options.grpcMessages ? { grpcMessages: options.grpcMessages } : {}),
    });
    await write(`${count > 0 ? ',\n' : ''}${JSON.stringify(entry)}`);
    count += 1;
  }
  await write('\n]}}\n');
  return count;
}
