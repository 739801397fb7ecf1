/**
 * Buffer limits of Envoy sidecars, as Envoy's own guidance for proxies facing many connections sets
 * them ("Configuring Envoy as an edge proxy": 32 KiB per connection on listeners and clusters): a
 * buffer that fills stops reads (HTTP/2 flow control pushes back), so large streams still flow, but
 * a sidecar holds 32 KiB per slow connection instead of Envoy's default 1 MiB. Requests are buffered
 * for retries up to ENVOY_RETRY_BUFFER_BYTES (the route's own limit, Envoy's default size): a larger
 * request body is sent once and not retried.
 */
export const ENVOY_CONNECTION_BUFFER_BYTES = 32 * 1024;
export const ENVOY_RETRY_BUFFER_BYTES = 1024 * 1024;
