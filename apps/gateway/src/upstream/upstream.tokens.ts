/** The gRPC clients of every service (see UpstreamModule). */
export const UPSTREAMS = Symbol('UPSTREAMS');
