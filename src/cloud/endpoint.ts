/** ACK's public CS endpoint for a region (the SDK's own endpoint map yields the same host). */
export function csEndpointForRegion(regionId: string): string {
  return `cs.${regionId}.aliyuncs.com`;
}

export interface ResolvedEndpoint {
  /** host[:port] without a scheme: the form the SDK's Config.endpoint takes. */
  host: string;
  protocol: 'https' | 'http';
}

/**
 * An override such as `http://127.0.0.1:18080` (the simulator) wins over the region's endpoint.
 * Plain HTTP is accepted only for loopback addresses: AccessKeys never travel unencrypted.
 */
export function resolveEndpoint(regionId: string, override?: string): ResolvedEndpoint {
  if (!override) return { host: csEndpointForRegion(regionId), protocol: 'https' };
  const url = new URL(override.includes('://') ? override : `https://${override}`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  if (protocol === 'http' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`cloud endpoint ${override}: plain http is only allowed for loopback addresses`);
  }
  return { host: url.host, protocol };
}
