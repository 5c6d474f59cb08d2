// Public API of @cairn/cli: explicit named exports only.
export {};
