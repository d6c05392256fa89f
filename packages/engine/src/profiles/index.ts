// The profile stores' public boundary: the interface, the in-memory and LRU stores, the codec seam, sizing.
export { LruProfileStore, type LruProfileStoreOptions, type LruProfileStoreStats } from './lru-profile-store.js';
export type { ProfileCodec } from './profile-codec.js';
export { estimateProfileBytes } from './profile-size.js';
export { InMemoryProfileStore, type ProfileRead, type ProfileStore } from './profile-store.js';
export { readProfile } from './read-profile.js';
