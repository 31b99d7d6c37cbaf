import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SeedAdminService, type AdminAccount } from '../seed-admin/seed-admin.service';

export const ADMIN_ACCOUNT = Symbol('ADMIN_ACCOUNT');

/** Makes sure the configured administrator exists when identity starts. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    private readonly seeder: SeedAdminService,
    @Inject(ADMIN_ACCOUNT) private readonly admin: AdminAccount,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const outcome = await this.seeder.seed(this.admin);
    this.logger.log(`admin account ${this.admin.email}: ${outcome}`);
  }
}
