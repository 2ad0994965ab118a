/**
 * WebSocket text frames as a server sends them (RFC 6455, section 5.2: final, unmasked), built
 * here so that a live subscriber's messages of one fan-out pass leave in a single write to its
 * TCP socket: one allocation and one system call per socket, however many events the pass holds.
 */

const FIN_TEXT = 0x81;

function headerLength(payloadLength: number): number {
  if (payloadLength < 126) return 2;
  return payloadLength < 65_536 ? 4 : 10;
}

/** One text frame per body, each carrying `prefix + body + suffix`, back to back in one buffer. */
export function textFrames(prefix: Buffer, bodies: readonly Buffer[], suffix: Buffer): Buffer {
  let size = 0;
  for (const body of bodies) {
    const length = prefix.length + body.length + suffix.length;
    size += headerLength(length) + length;
  }
  const frames = Buffer.allocUnsafe(size);
  let at = 0;
  for (const body of bodies) {
    const length = prefix.length + body.length + suffix.length;
    frames[at++] = FIN_TEXT;
    if (length < 126) {
      frames[at++] = length;
    } else if (length < 65_536) {
      frames[at++] = 126;
      at = frames.writeUInt16BE(length, at);
    } else {
      frames[at++] = 127;
      at = frames.writeBigUInt64BE(BigInt(length), at);
    }
    at += prefix.copy(frames, at);
    at += body.copy(frames, at);
    at += suffix.copy(frames, at);
  }
  return frames;
}
