// Public API of @cairn/pipeline: explicit named exports only.
export {};
