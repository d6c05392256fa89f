// Fixed-size byte records outside the V8 heap, and a table of the names they refer to: for stores that keep one
// record per decision, so the garbage collector has nothing to trace or copy for them.

/** Longest string a slot holds inline (one length byte). */
const MAX_INLINE = 255;

/**
 * Strings to small numbers and back, for the few distinct names records refer to (action ids, issues, groups,
 * channels, config versions). Full at 65,536 names: `ref` then gives -1 and the caller keeps that record another way.
 */
export class StringTable {
  readonly #refs = new Map<string, number>();
  readonly #strings: string[] = [];

  /** The name's number, made on first sight; -1 when the table is full. */
  ref(name: string): number {
    let ref = this.#refs.get(name);
    if (ref === undefined) {
      if (this.#strings.length > 0xffff) return -1;
      ref = this.#strings.length;
      this.#strings.push(name);
      this.#refs.set(name, ref);
    }
    return ref;
  }

  name(ref: number): string {
    return this.#strings[ref]!;
  }

  get size(): number {
    return this.#strings.length;
  }
}

/**
 * `count` records of `slotSize` bytes each in one buffer (memory the collector never scans), written and read field
 * by field through a cursor. A write that does not fit its slot, or a string outside Latin-1, sets `fits` to false:
 * the caller then keeps that record elsewhere (on the heap), so nothing is ever cut short.
 *
 * @example
 * const slots = new PackedSlots(1000, 64);
 * slots.startWrite(7); slots.text('d-1'); slots.f64(Date.now());
 * if (!slots.fits) keepOnHeap();
 * slots.startRead(7); slots.readText(); // 'd-1'
 */
export class PackedSlots {
  readonly slotSize: number;
  readonly count: number;
  readonly #bytes: Buffer;
  readonly #view: DataView;
  #pos = 0;
  #end = 0;
  /** Whether everything written since `startWrite` fitted. */
  fits = true;

  constructor(count: number, slotSize: number) {
    if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`count must be a positive integer, got ${count}`);
    if (!(Number.isInteger(slotSize) && slotSize >= 8))
      throw new RangeError(`slotSize must be 8 or more, got ${slotSize}`);
    this.count = count;
    this.slotSize = slotSize;
    // Zero-filled, so the pages of slots never written are never touched.
    this.#bytes = Buffer.alloc(count * slotSize);
    this.#view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
  }

  startWrite(slot: number): void {
    this.#pos = slot * this.slotSize;
    this.#end = this.#pos + this.slotSize;
    this.fits = true;
  }

  startRead(slot: number): void {
    this.#pos = slot * this.slotSize;
    this.#end = this.#pos + this.slotSize;
  }

  /** An integer 0..255; any other value does not fit. */
  u8(value: number): void {
    if (this.#room(1, value, 0xff)) this.#bytes[this.#pos++] = value;
  }

  /** An integer 0..65,535; any other value does not fit. */
  u16(value: number): void {
    if (!this.#room(2, value, 0xffff)) return;
    this.#view.setUint16(this.#pos, value, true);
    this.#pos += 2;
  }

  f64(value: number): void {
    if (!this.#room(8)) return;
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
  }

  /** The name's number in `table` (a full table's -1 does not fit). */
  name(table: StringTable, value: string): void {
    this.u16(table.ref(value));
  }

  /** A string of up to 255 Latin-1 characters, length first. */
  text(value: string): void {
    const n = value.length;
    if (n > MAX_INLINE) {
      this.#overflow();
      return;
    }
    if (!this.#room(1 + n)) return;
    const bytes = this.#bytes;
    const start = this.#pos + 1;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0xff) {
        this.#overflow();
        return;
      }
      bytes[start + i] = c;
    }
    bytes[this.#pos] = n;
    this.#pos = start + n;
  }

  readU8(): number {
    return this.#bytes[this.#pos++]!;
  }

  readU16(): number {
    const value = this.#view.getUint16(this.#pos, true);
    this.#pos += 2;
    return value;
  }

  readF64(): number {
    const value = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  readName(table: StringTable): string {
    return table.name(this.readU16());
  }

  readText(): string {
    const n = this.#bytes[this.#pos]!;
    const start = this.#pos + 1;
    this.#pos = start + n;
    return this.#bytes.toString('latin1', start, start + n);
  }

  /** Whether the string at the read position is `value` (the position moves past it either way). */
  readTextEquals(value: string): boolean {
    const bytes = this.#bytes;
    const n = bytes[this.#pos]!;
    const start = this.#pos + 1;
    this.#pos = start + n;
    if (n !== value.length) return false;
    for (let i = 0; i < n; i++) if (bytes[start + i] !== value.charCodeAt(i)) return false;
    return true;
  }

  /**
   * Whether `bytes` more fit the slot and `value` is an integer in 0..max (unsigned fields; the default passes for
   * an f64). When not, the record has overflowed: `fits` is false and nothing more is written.
   */
  #room(bytes: number, value = 0, max = 0): boolean {
    if (this.#pos + bytes <= this.#end && Number.isInteger(value) && value >= 0 && value <= max) return true;
    this.#overflow();
    return false;
  }

  #overflow(): void {
    this.fits = false;
    this.#pos = this.#end;
  }
}
