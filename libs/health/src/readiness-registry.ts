import { Injectable } from '@nestjs/common';
import type { ReadinessContributor } from './readiness-contributor';

/** The app's readiness contributors: each module adds its own (health knows none of them). */
@Injectable()
export class ReadinessRegistry {
  private readonly list: ReadinessContributor[] = [];

  add(contributor: ReadinessContributor): void {
    this.list.push(contributor);
  }

  get contributors(): readonly ReadinessContributor[] {
    return this.list;
  }
}
