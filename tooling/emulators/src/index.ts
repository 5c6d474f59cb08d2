// Public API of @cairn/emulators: explicit named exports only.
export {};
