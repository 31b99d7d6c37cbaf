/** How the supervisor of `npm run up` decides to restart an instance, and when. */
export interface SupervisionPolicy {
  /** Delay before the first restart after a failure (ms); it doubles with each failure in a row. */
  restartDelayMs: number;
  /** Longest delay between restarts (ms). */
  maxRestartDelayMs: number;
  /** An instance up this long (ms) since its last start is stable: its next failure starts the backoff over. */
  stableAfterMs: number;
  /** Pause between liveness checks (`GET /health/live`) of a ready instance (ms). */
  livenessIntervalMs: number;
  /** Deadline of one liveness check (ms). */
  livenessTimeoutMs: number;
  /** Failed liveness checks in a row after which the instance is killed (SIGKILL) and restarted. */
  livenessFailures: number;
  /** How long a (re)started instance has to become ready before it is killed and restarted (ms). */
  readyTimeoutMs: number;
}

export const DEFAULT_SUPERVISION_POLICY: SupervisionPolicy = {
  restartDelayMs: 1000,
  maxRestartDelayMs: 30_000,
  stableAfterMs: 60_000,
  livenessIntervalMs: 2000,
  livenessTimeoutMs: 1000,
  livenessFailures: 3,
  readyTimeoutMs: 90_000,
};

/** Why an instance was restarted (the `reason` label of the restart counter). */
export type RestartReason = 'exit' | 'liveness' | 'not_ready';

/**
 * The delay before the restart that follows `failuresInRow` failures in a row (1 for the first):
 * `restartDelayMs`, doubled each time, at most `maxRestartDelayMs`.
 */
export function restartDelayMs(policy: SupervisionPolicy, failuresInRow: number): number {
  const doublings = Math.max(0, failuresInRow - 1);
  return Math.min(policy.maxRestartDelayMs, policy.restartDelayMs * 2 ** Math.min(doublings, 30));
}

/**
 * Failures in a row once an instance fails after running `ranForMs` since its last start: one
 * more, or the first again if it had been stable (up for `stableAfterMs`).
 */
export function failuresInRowAfter(policy: SupervisionPolicy, previous: number, ranForMs: number): number {
  return ranForMs >= policy.stableAfterMs ? 1 : previous + 1;
}

/** Counts failed liveness checks in a row; `dead` once there are `livenessFailures` of them. */
export class LivenessCounter {
  private failed = 0;

  constructor(private readonly policy: SupervisionPolicy) {}

  get failuresInRow(): number {
    return this.failed;
  }

  /** Records one check: answers `dead` when the instance must be killed. */
  record(live: boolean): 'live' | 'failing' | 'dead' {
    this.failed = live ? 0 : this.failed + 1;
    if (this.failed === 0) return 'live';
    return this.failed >= this.policy.livenessFailures ? 'dead' : 'failing';
  }

  reset(): void {
    this.failed = 0;
  }
}

/** The variables that tune the policy, and the field each sets. */
const POLICY_VARIABLES: ReadonlyArray<[string, keyof SupervisionPolicy]> = [
  ['SUPERVISOR_RESTART_DELAY_MS', 'restartDelayMs'],
  ['SUPERVISOR_MAX_RESTART_DELAY_MS', 'maxRestartDelayMs'],
  ['SUPERVISOR_STABLE_AFTER_MS', 'stableAfterMs'],
  ['SUPERVISOR_LIVENESS_INTERVAL_MS', 'livenessIntervalMs'],
  ['SUPERVISOR_LIVENESS_TIMEOUT_MS', 'livenessTimeoutMs'],
  ['SUPERVISOR_LIVENESS_FAILURES', 'livenessFailures'],
  ['SUPERVISOR_READY_TIMEOUT_MS', 'readyTimeoutMs'],
];

/**
 * The policy from `SUPERVISOR_*` variables (unset ones keep their default).
 *
 * @throws Error naming the variable when a value is not a positive integer
 */
export function supervisionPolicyFrom(env: Readonly<Record<string, string | undefined>>): SupervisionPolicy {
  const policy = { ...DEFAULT_SUPERVISION_POLICY };
  for (const [variable, field] of POLICY_VARIABLES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${variable} must be a positive integer (got '${value}')`);
    policy[field] = n;
  }
  if (policy.maxRestartDelayMs < policy.restartDelayMs) {
    throw new Error('SUPERVISOR_MAX_RESTART_DELAY_MS must not be below SUPERVISOR_RESTART_DELAY_MS');
  }
  return policy;
}
