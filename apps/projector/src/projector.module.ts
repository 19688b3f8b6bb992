import { type DynamicModule, Module } from '@nestjs/common';
import { type Config, type DatabaseHandle, PlatformModule } from '@custodia/platform';
import { StorageModule } from '@custodia/runtime';

export type ProjectorOptions = { readonly config: Config; readonly database: DatabaseHandle };

/** The projection runner alone: same configuration and storage as the API, no HTTP. */
@Module({})
export class ProjectorModule {
  static register({ config, database }: ProjectorOptions): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        PlatformModule.forRoot({ config }),
        StorageModule.register({ database, processName: 'custodia-projector', runProjector: true }),
      ],
    };
  }
}
