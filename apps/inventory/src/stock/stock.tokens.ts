export const STOCK_OPTIONS = Symbol('STOCK_OPTIONS');
