/**
 * Counts WebSocket messages in one direction of a stream by walking frame headers only
 * (RFC 6455 §5.2): payloads are skipped, never buffered. A message ends with a data or
 * continuation frame whose FIN bit is set; control frames (close, ping, pong) are not messages.
 */
export class WsFrameCounter {
  messages = 0;
  bytes = 0;
  private header: number[] = [];
  private needed = 2;
  private remainingPayload = 0;
  /** Set when the stream stops looking like WebSocket frames; counting stops, bytes go on. */
  invalid = false;

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.invalid) return;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remainingPayload > 0) {
        const skip = Math.min(this.remainingPayload, chunk.length - offset);
        this.remainingPayload -= skip;
        offset += skip;
        continue;
      }
      while (this.header.length < this.needed && offset < chunk.length) {
        this.header.push(chunk[offset]!);
        offset += 1;
        if (this.header.length === 2) this.needed = headerLength(this.header[1]!);
      }
      if (this.header.length < this.needed) return;
      this.frameHeaderComplete();
    }
  }

  private frameHeaderComplete(): void {
    const [first, second] = this.header as [number, number];
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    let length = second & 0x7f;
    if (length === 126) length = (this.header[2]! << 8) | this.header[3]!;
    else if (length === 127) {
      let value = 0;
      for (let i = 2; i < 10; i += 1) value = value * 256 + this.header[i]!;
      length = value;
    }
    if (opcode > 0x0a || (opcode > 0x02 && opcode < 0x08)) this.invalid = true;
    else if (fin && opcode <= 0x02) this.messages += 1;
    this.remainingPayload = length;
    this.header = [];
    this.needed = 2;
  }
}

function headerLength(second: number): number {
  const masked = (second & 0x80) !== 0;
  const length = second & 0x7f;
  const extended = length === 126 ? 2 : length === 127 ? 8 : 0;
  return 2 + extended + (masked ? 4 : 0);
}
