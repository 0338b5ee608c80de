import {
  credentials,
  loadPackageDefinition,
  status,
  type CallOptions,
  type ChannelOptions,
  type Client,
  type Metadata,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { GRPC_SERVICES, PROTO_ROOT, type cacheV1 } from '@sluice/contracts';
import { callMetadata, fromGrpcError, GRPC_LOADER_OPTIONS, GRPC_MAX_MESSAGE_BYTES } from '@sluice/grpc';
import { CacheUnavailableError } from './cache-client-errors';

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: CallOptions, callback: (error: ServiceError | null, response?: Res) => void) => unknown;

/** The generated service's methods, as grpc-js exposes them (camelCase names). */
interface CacheServiceStub extends Client {
  get: Unary<cacheV1.GetRequest, cacheV1.GetResponse>;
  set: Unary<cacheV1.SetRequest, cacheV1.SetResponse>;
  delete: Unary<cacheV1.DeleteRequest, cacheV1.DeleteResponse>;
  mGet: Unary<cacheV1.MGetRequest, cacheV1.MGetResponse>;
  mSet: Unary<cacheV1.MSetRequest, cacheV1.MSetResponse>;
  invalidateTag: Unary<cacheV1.InvalidateTagRequest, cacheV1.InvalidateTagResponse>;
  invalidatePrefix: Unary<cacheV1.InvalidatePrefixRequest, cacheV1.InvalidatePrefixResponse>;
  stats: Unary<cacheV1.StatsRequest, cacheV1.StatsResponse>;
  warm: Unary<cacheV1.WarmRequest, cacheV1.WarmResponse>;
}

type Method = 'get' | 'set' | 'delete' | 'mGet' | 'mSet' | 'invalidateTag' | 'invalidatePrefix' | 'stats' | 'warm';
type RequestOf<M extends Method> = Parameters<CacheServiceStub[M]>[0];
type ResponseOf<M extends Method> = CacheServiceStub[M] extends Unary<infer _Req, infer Res> ? Res : never;

export interface CacheTransportOptions {
  readonly address: string;
  readonly internalToken: string;
  readonly tenantId: string;
  /** Deadline of each call. */
  readonly callTimeoutMs: number;
}

let serviceConstructor: ServiceClientConstructor | undefined;

function cacheServiceConstructor(): ServiceClientConstructor {
  if (!serviceConstructor) {
    const contract = GRPC_SERVICES.cache;
    const definition = loadSync(contract.protoPath, { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
    const pkg = loadPackageDefinition(definition) as unknown as { sluice: { cache: { v1: { CacheService: ServiceClientConstructor } } } };
    serviceConstructor = pkg.sluice.cache.v1.CacheService;
  }
  return serviceConstructor;
}

// The channel reconnects on its own with exponential backoff between these bounds; calls made while
// it is down fail at once with UNAVAILABLE instead of queueing.
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 5_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
};

/** Unary calls to sluice.cache.v1.CacheService with the internal token and tenant, as typed promises. */
export class CacheGrpcTransport {
  private readonly stub: CacheServiceStub;
  private readonly metadata: Metadata;

  constructor(private readonly options: CacheTransportOptions) {
    const Ctor = cacheServiceConstructor();
    this.stub = new Ctor(options.address, credentials.createInsecure(), CHANNEL_OPTIONS) as unknown as CacheServiceStub;
    this.metadata = callMetadata(options.internalToken, { tenantId: options.tenantId });
  }

  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
    const fn = this.stub[method] as unknown as Unary<RequestOf<M>, ResponseOf<M>>;
    return new Promise((resolve, reject) => {
      fn.call(this.stub, request, this.metadata.clone(), { deadline: Date.now() + this.options.callTimeoutMs }, (error, response) => {
        if (error) reject(this.translate(error));
        else resolve(response as ResponseOf<M>);
      });
    });
  }

  close(): void {
    this.stub.close();
  }

  private translate(error: ServiceError): unknown {
    if (error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED) return new CacheUnavailableError(this.options.address, error);
    return fromGrpcError(error);
  }
}
