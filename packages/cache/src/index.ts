// Public API of @cairn/cache: explicit named exports only.
export {};
