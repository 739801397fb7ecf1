/**
 * ProtoWriter: the protobuf wire format written straight into one growing Buffer, for the OTLP
 * export (otlp-encode.ts). A nested message is written in place after a one-byte length slot and
 * its length patched in at end(); the rare message of 128 bytes or more shifts its bytes right
 * by the extra length bytes (one memmove), so nothing is measured twice and no sub-buffers exist.
 */

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Len = 2,
  Fixed32 = 5,
}

/** varintSize is the number of bytes of n (a non-negative safe integer) as a varint. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** finish returns the bytes written (a view of the writer's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** length is the number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** truncate drops what was written after `length` bytes (the buffer is kept for reuse). */
  truncate(length: number): void {
    this.pos = Math.min(this.pos, length);
  }

  /** raw appends bytes that are already encoded (whole fields). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** varint writes a non-negative safe integer (up to 2^53) as a varint. */
  private varint(n: number): void {
    this.ensure(10);
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  private tag(field: number, wire: Wire): void {
    this.varint(field * 8 + wire);
  }

  uint(field: number, n: number): void {
    this.tag(field, Wire.Varint);
    this.varint(n);
  }

  /** int64 writes any safe integer; a negative one as its 64-bit two's complement (10 bytes). */
  int64(field: number, n: number): void {
    this.tag(field, Wire.Varint);
    if (n >= 0) return this.varint(n);
    let v = BigInt.asUintN(64, BigInt(n));
    this.ensure(10);
    while (v >= 128n) {
      this.buf[this.pos++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  bool(field: number, b: boolean): void {
    this.uint(field, b ? 1 : 0);
  }

  double(field: number, x: number): void {
    this.tag(field, Wire.Fixed64);
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(x, this.pos);
  }

  fixed32(field: number, n: number): void {
    this.tag(field, Wire.Fixed32);
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(n >>> 0, this.pos);
  }

  /** fixed64 writes a 64-bit value given as its [low, high] 32-bit words. */
  fixed64(field: number, [low, high]: readonly [number, number]): void {
    this.tag(field, Wire.Fixed64);
    this.ensure(8);
    this.pos = this.buf.writeUInt32LE(low, this.pos);
    this.pos = this.buf.writeUInt32LE(high, this.pos);
  }

  string(field: number, s: string): void {
    this.tag(field, Wire.Len);
    // Short ASCII strings (names, keys, most values) byte by byte: cheaper than two calls into C++.
    if (s.length < 128) {
      this.ensure(1 + s.length);
      const start = this.pos;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        this.buf[start + 1 + i] = c;
      }
      if (i === s.length) {
        this.buf[start] = i;
        this.pos = start + 1 + i;
        return;
      }
    }
    const bytes = Buffer.byteLength(s);
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** hexBytes writes a hex string (a trace or span id) as bytes. */
  hexBytes(field: number, hex: string): void {
    this.tag(field, Wire.Len);
    const bytes = hex.length >>> 1;
    this.varint(bytes);
    this.ensure(bytes);
    // Buffer stops at the first non-hex pair; zero-fill so the declared length always holds.
    const written = this.buf.write(hex, this.pos, 'hex');
    if (written < bytes) this.buf.fill(0, this.pos + written, this.pos + bytes);
    this.pos += bytes;
  }

  /** begin opens a nested message; pass its result to end() when its fields are written. */
  begin(field: number): number {
    this.tag(field, Wire.Len);
    this.ensure(1);
    return this.pos++;
  }

  end(slot: number): void {
    const length = this.pos - slot - 1;
    if (length < 128) {
      this.buf[slot] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.ensure(extra);
    this.buf.copyWithin(slot + 1 + extra, slot + 1, this.pos);
    this.pos += extra;
    let n = length;
    let at = slot;
    while (n >= 128) {
      this.buf[at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[at] = n;
  }
}
