/** Injection token of the saga's `SagaSettings`. */
export const SAGA_SETTINGS = Symbol('SAGA_SETTINGS');

/** A clock (tests may move it). */
export type Clock = () => Date;
export const ORDERS_CLOCK = Symbol('ORDERS_CLOCK');
export const systemClock: Clock = () => new Date();
