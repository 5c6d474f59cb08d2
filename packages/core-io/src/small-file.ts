/**
 * Files up to this size are read whole into one reused buffer and written with one call,
 * synchronously; larger ones are streamed. One bound for every such choice (what the hash threads
 * store from the bytes they hashed, what `add` stores on its own, what checkout, unprotect and
 * push copy in one go), so a file is small or large the same way everywhere.
 */
export const SMALL_FILE_MAX = 1 << 20;
