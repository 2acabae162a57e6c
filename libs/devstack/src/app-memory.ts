/**
 * How the launchers start the worker and the gateway so their memory is set by configuration (issue 14,
 * ADR 0022). Without a limit, V8 sizes each heap from the machine's memory (about 4 GB here) and keeps what it
 * freed while nothing presses it: the worker sat at 1 GB with 500 cached cases of 376 KB each.
 *   - `--max-old-space-size`: each isolate's ceiling — the app's main thread and the worker's workflow thread
 *     alike (V8 flags are per process). V8 also grows a small heap by smaller steps, so far less garbage is
 *     kept resident. Set it well above the live heap: an isolate that reaches it stops the process.
 *   - `--max-semi-space-size`: the young generation's ceiling. By default up to 16 MB × 3 per isolate; 2 MB
 *     took ~50 MB off each app at rest, and `caseload-scale` loaded cases no slower with it (more GC pauses
 *     are the price; not measured on their own).
 *   - `MALLOC_ARENA_MAX=2`: glibc otherwise gives each of the Temporal core's threads an arena of its own,
 *     and each keeps its high-water mark.
 */
export interface AppMemory {
  /** The heap ceiling of each of the app's isolates, in MB. */
  readonly heapMb: number;
  /** The young generation's semi-space ceiling, in MB. */
  readonly semiSpaceMb?: number;
}

export const DEFAULT_SEMI_SPACE_MB = 2;

/** The Node options that set an app's memory (`WORKER_HEAP_MB`, `GATEWAY_HEAP_MB`). */
export function appNodeArgs(memory: AppMemory): string[] {
  return [
    `--max-old-space-size=${memory.heapMb}`,
    `--max-semi-space-size=${memory.semiSpaceMb ?? DEFAULT_SEMI_SPACE_MB}`,
  ];
}

/** The environment an app runs with: glibc's arenas capped unless the operator chose otherwise. */
export function appMemoryEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...env };
}
