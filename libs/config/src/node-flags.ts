/**
 * The flags every app's `node` runs with (the supervisor, test platforms, the image's command).
 * `--max-semi-space-size=4`: V8's young generation grows to 3 × 4 MB instead of up to 3 × 16 MB,
 * which idle services kept as heap they no longer used: 20-25 MB less resident memory per service,
 * with no CPU cost measured on the RPC path, the most allocating one (1 MB cost a fifth more
 * CPU per call; BENCHMARKS.md, Footprint).
 */
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
