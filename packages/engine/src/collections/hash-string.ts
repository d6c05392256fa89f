// A fast 32-bit string hash, for hash tables in typed arrays and for stable positions (the control group).

/** FNV-1a, 32 bits, over the UTF-16 code units of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
