// PostgreSQL's hashtextextended(text, 0) in JavaScript: the 64-bit form of Bob Jenkins' lookup3 hash that
// PostgreSQL uses for hash partitioning (so it is stable across versions), over a string's UTF-8 bytes.
// SQLite rows are hashed with it in the validation threads while PostgreSQL computes the same function in
// SQL for the other side; a test compares both on a real server, string by string.

const rot = (x: number, k: number) => (x << k) | (x >>> (32 - k))

let buffer = Buffer.allocUnsafe(4096)

/** The hash as its two 32-bit halves: [high, low] – high signed (as PostgreSQL's `h >> 32`), low unsigned. */
export function hashTextExtended(text: string): [number, number] {
  // ASCII and most text: one UTF-8 byte per UTF-16 unit or fewer bytes than three per unit.
  if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(Math.max(text.length * 3, buffer.length * 2))
  return hashBytesExtended(buffer, buffer.write(text, 0, 'utf8'))
}

/** PostgreSQL's hash_any_extended(key, length, 0) over the first `length` bytes of `k`, as hashTextExtended gives it. */
export function hashBytesExtended(k: Uint8Array, length: number): [number, number] {
  let a = (0x9e3779b9 + length + 3923095) | 0
  let b = a
  let c = a
  let i = 0
  let left = length
  while (left >= 12) {
    a =
      (a +
        ((k[i] as number) |
          ((k[i + 1] as number) << 8) |
          ((k[i + 2] as number) << 16) |
          ((k[i + 3] as number) << 24))) |
      0
    b =
      (b +
        ((k[i + 4] as number) |
          ((k[i + 5] as number) << 8) |
          ((k[i + 6] as number) << 16) |
          ((k[i + 7] as number) << 24))) |
      0
    c =
      (c +
        ((k[i + 8] as number) |
          ((k[i + 9] as number) << 8) |
          ((k[i + 10] as number) << 16) |
          ((k[i + 11] as number) << 24))) |
      0
    a = (a - c) | 0
    a ^= rot(c, 4)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 6)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 8)
    b = (b + a) | 0
    a = (a - c) | 0
    a ^= rot(c, 16)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 19)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 4)
    b = (b + a) | 0
    i += 12
    left -= 12
  }
  // The last 11 bytes; the lowest byte of c stays for the length, as in PostgreSQL.
  return finish(k, i, left, a, b, c)
}

function finish(k: Uint8Array, i: number, left: number, a: number, b: number, c: number): [number, number] {
  switch (left) {
    case 11:
      c = (c + ((k[i + 10] as number) << 24)) | 0 // falls through
    case 10:
      c = (c + ((k[i + 9] as number) << 16)) | 0 // falls through
    case 9:
      c = (c + ((k[i + 8] as number) << 8)) | 0 // falls through
    case 8:
      b = (b + ((k[i + 7] as number) << 24)) | 0 // falls through
    case 7:
      b = (b + ((k[i + 6] as number) << 16)) | 0 // falls through
    case 6:
      b = (b + ((k[i + 5] as number) << 8)) | 0 // falls through
    case 5:
      b = (b + (k[i + 4] as number)) | 0 // falls through
    case 4:
      a = (a + ((k[i + 3] as number) << 24)) | 0 // falls through
    case 3:
      a = (a + ((k[i + 2] as number) << 16)) | 0 // falls through
    case 2:
      a = (a + ((k[i + 1] as number) << 8)) | 0 // falls through
    case 1:
      a = (a + (k[i] as number)) | 0
  }
  c ^= b
  c = (c - rot(b, 14)) | 0
  a ^= c
  a = (a - rot(c, 11)) | 0
  b ^= a
  b = (b - rot(a, 25)) | 0
  c ^= b
  c = (c - rot(b, 16)) | 0
  a ^= c
  a = (a - rot(c, 4)) | 0
  b ^= a
  b = (b - rot(a, 14)) | 0
  c ^= b
  c = (c - rot(b, 24)) | 0
  return [b | 0, c >>> 0]
}

const INITIAL_32 = (0x9e3779b9 + 4 + 3923095) | 0
const NO_BYTES = new Uint8Array(0)

/** PostgreSQL's hash_uint32_extended(k, 0): the hash of one 32-bit word (int2, int4, date, bool, and int8 folded). */
export function hashUint32Extended(k: number): [number, number] {
  // Only the final mix of lookup3 over a = initial + k: the same as hashing no bytes from that state.
  return finish(NO_BYTES, 0, 0, (INITIAL_32 + k) | 0, INITIAL_32, INITIAL_32)
}

const TWO_32 = 0x1_0000_0000
const SAFE = 2 ** 53

/** hashint8extended: the low word XOR the high word (inverted for negative values), hashed as one word. */
export function hashInt8Extended(value: bigint | number): [number, number] {
  if (typeof value === 'number' && value < SAFE && value > -SAFE) {
    // The two words of a safe integer without BigInt (most keys and instants).
    const hi = Math.floor(value / TWO_32)
    const lo = value - hi * TWO_32
    return hashUint32Extended((lo ^ (value >= 0 ? hi : ~hi)) | 0)
  }
  const big = BigInt(value)
  const lo = Number(BigInt.asUintN(32, big))
  const hi = Number(BigInt.asUintN(32, big >> 32n))
  return hashUint32Extended((lo ^ (big >= 0n ? hi : ~hi)) | 0)
}

const float = Buffer.alloc(8)

/** hashfloat8extended: zero (either sign) hashes to the seed, NaN as the one NaN, else the double's 8 bytes. */
export function hashFloat8Extended(value: number): [number, number] {
  if (value === 0) return [0, 0]
  float.writeDoubleLE(Number.isNaN(value) ? NaN : value, 0)
  return hashBytesExtended(float, 8)
}
