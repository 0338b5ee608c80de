import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { cacheV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { CacheStore } from './cache.store';

@Controller()
@cacheV1.CacheServiceControllerMethods()
export class CacheGrpcController implements cacheV1.CacheServiceController {
  constructor(private readonly store: CacheStore) {}

  async get(request: cacheV1.GetRequest, metadata: Metadata): Promise<cacheV1.GetResponse> {
    const value = await this.store.get(readCallContext(metadata).tenantId, request.key);
    return value ? { found: true, value } : { found: false, value: Buffer.alloc(0) };
  }

  async set(request: cacheV1.SetRequest, metadata: Metadata): Promise<cacheV1.SetResponse> {
    await this.store.set(readCallContext(metadata).tenantId, request.key, Buffer.from(request.value), Number(request.ttlMs));
    return {};
  }

  async delete(request: cacheV1.DeleteRequest, metadata: Metadata): Promise<cacheV1.DeleteResponse> {
    return { deleted: await this.store.delete(readCallContext(metadata).tenantId, request.key) };
  }
}
