import { Module, type DynamicModule } from '@nestjs/common';
import { DATABASE_MODULE_OPTIONS, PrismaService, type DatabaseModuleOptions } from './prisma.service';

/** Provides PrismaService to the whole application: `DatabaseModule.forRoot({ url: config.databaseUrl })`. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: DATABASE_MODULE_OPTIONS, useValue: options }, PrismaService],
      exports: [PrismaService],
    };
  }
}
