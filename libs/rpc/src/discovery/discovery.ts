/** Where the instances of a service are: a current list of `host:port`, refreshed by the source. */
export interface Discovery {
  /** Starts watching (resolving, polling); resolves after the first look. */
  start(): Promise<void>;
  /** The current list; the same array until it changes (clients compare it by reference). */
  addresses(): readonly string[];
  stop(): void;
}

/** A fixed list of addresses. */
export class StaticDiscovery implements Discovery {
  constructor(private readonly list: readonly string[]) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  addresses(): readonly string[] {
    return this.list;
  }

  stop(): void {}
}
