// Public API of @cairn/eval-metrics: explicit named exports only.
export {};
