/** The api's Nest module, built around the side effects handed to it (real ones in main, others in tests). */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import type { Redis } from 'ioredis';
import type { PlatformConfig } from '@burrow/config';
import type { ControlDb, SecretBox } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import type { InstanceRuntime } from '@burrow/runtime';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth_guard.js';
import { AuthService } from './auth/auth.service.js';
import { LoginThrottle } from './auth/login_throttle.js';
import { SessionStore } from './auth/session_store.js';
import { CLOCK, CONFIG, DB, JOBS, REDIS, RUNTIME, SECRET_BOX, type Clock } from './common/tokens.js';
import { BackupScheduleController, BackupsController } from './instances/backups.controller.js';
import { ContinuousBackupController } from './instances/continuous_backup.controller.js';
import { ContinuousBackupService } from './instances/continuous_backup.service.js';
import { DeployController } from './instances/deploy.controller.js';
import { DeployService } from './instances/deploy.service.js';
import { BackupsService } from './instances/backups.service.js';
import { InstancesController } from './instances/instances.controller.js';
import { ReplicasController } from './instances/replicas.controller.js';
import { ReplicasService } from './instances/replicas.service.js';
import { InstancesService } from './instances/instances.service.js';
import { TenantClient } from './instances/tenant_client.js';
import { MetricsService } from './ops/metrics.js';
import { OpenApiService } from './ops/openapi.js';
import { OpsController } from './ops/ops.controller.js';

/** Everything the api does I/O through. */
export interface ApiDeps {
  config: PlatformConfig;
  db: ControlDb;
  jobs: JobProducer;
  redis: Redis;
  runtime: InstanceRuntime;
  box: SecretBox;
  clock?: Clock;
}

/** Root module. */
@Module({})
export class ApiModule {
  /** The module wired to `deps`. */
  static with(deps: ApiDeps): DynamicModule {
    return {
      module: ApiModule,
      imports: [DiscoveryModule],
      controllers: [AuthController, InstancesController, BackupsController, BackupScheduleController, ContinuousBackupController, DeployController, ReplicasController, OpsController],
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: DB, useValue: deps.db },
        { provide: JOBS, useValue: deps.jobs },
        { provide: REDIS, useValue: deps.redis },
        { provide: RUNTIME, useValue: deps.runtime },
        { provide: SECRET_BOX, useValue: deps.box },
        { provide: CLOCK, useValue: deps.clock ?? (() => new Date()) },
        SessionStore, LoginThrottle, AuthService, InstancesService, BackupsService, ContinuousBackupService, DeployService, ReplicasService, TenantClient, MetricsService, OpenApiService,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
