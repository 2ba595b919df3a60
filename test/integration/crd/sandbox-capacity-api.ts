// Small helpers the CRD integration tests share: typed access to SandboxCapacity objects through
// client-node's CustomObjectsApi, and the API server's Status of a refused request.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { EXAMPLE_CLUSTER_ID } from '../../unit/api/fixtures.js';
import { testbed } from '../../support/testbed.js';

/** A spec the API server accepts, written the way a user would (defaults left out). */
export function baseSpec(): Record<string, unknown> {
  return {
    clusterId: EXAMPLE_CLUSTER_ID,
    regionId: 'cn-hangzhou',
    replicas: 3,
    scaleOut: { vswitchIds: ['vsw-bp1s5fnvk4gn2tws03624'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
  };
}

export function manifest(name: string, spec: unknown = baseSpec()): Record<string, unknown> {
  return { apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec };
}

export class SandboxCapacityClient {
  private readonly api = testbed().kubeConfig.makeApiClient(CustomObjectsApi);

  constructor(readonly namespace: string) {}

  private where(): { group: string; version: string; namespace: string; plural: string } {
    return { group: GROUP, version: VERSION, namespace: this.namespace, plural: PLURAL };
  }

  async create(body: object): Promise<SandboxCapacity> {
    return (await this.api.createNamespacedCustomObject({ ...this.where(), body })) as SandboxCapacity;
  }

  async get(name: string): Promise<SandboxCapacity> {
    return (await this.api.getNamespacedCustomObject({ ...this.where(), name })) as SandboxCapacity;
  }

  async replace(body: SandboxCapacity): Promise<SandboxCapacity> {
    return (await this.api.replaceNamespacedCustomObject({ ...this.where(), name: body.metadata.name, body })) as SandboxCapacity;
  }

  async replaceStatus(body: SandboxCapacity): Promise<SandboxCapacity> {
    const name = body.metadata.name;
    return (await this.api.replaceNamespacedCustomObjectStatus({ ...this.where(), name, body })) as SandboxCapacity;
  }

  async getScale(name: string): Promise<{ spec?: { replicas?: number }; status?: { replicas?: number; selector?: string } }> {
    return (await this.api.getNamespacedCustomObjectScale({ ...this.where(), name })) as {
      spec?: { replicas?: number };
      status?: { replicas?: number; selector?: string };
    };
  }
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The parts of a metav1.Status that a user sees when the API server refuses a request. */
export interface Refusal {
  code: number;
  message: string;
  causes: StatusCause[];
}

/** Awaits a request that must be refused and returns the server's Status; fails if it was accepted. */
export async function refusalOf(request: Promise<unknown>): Promise<Refusal> {
  try {
    await request;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    // client-node keeps the response body as the raw JSON text of the Status object.
    const status = JSON.parse(String(err.body)) as { message?: string; details?: { causes?: StatusCause[] } };
    return { code: err.code, message: status.message ?? '', causes: status.details?.causes ?? [] };
  }
  throw new Error('the API server accepted a request that it should have refused');
}
