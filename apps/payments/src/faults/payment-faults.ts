/** Points where a test may make payments fail on purpose. Production uses {@link NO_FAULTS}. */
export interface PaymentFaults {
  /** Right after the provider approved a new charge, before payments' transaction commits. */
  afterProviderCharge(): void;
}

export const NO_FAULTS: PaymentFaults = { afterProviderCharge: () => undefined };

/**
 * Dies by SIGKILL right after the provider's first approval of a charge (a replayed approval, as
 * after the restart, does not kill again): the crash a payment must survive without charging twice.
 */
export const KILL_AFTER_PROVIDER_CHARGE: PaymentFaults = {
  afterProviderCharge: () => {
    process.kill(process.pid, 'SIGKILL');
  },
};
