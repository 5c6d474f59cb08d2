// Public API of @cairn/core-io: explicit named exports only.
export {};
