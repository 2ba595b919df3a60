// The one place that loads Alibaba Cloud's CommonJS SDKs. Loading them through createRequire gives
// the same module shape under tsx (tests) and under plain Node (production): `.default` is the
// client class in both, whereas an ESM default import differs between the two loaders.
import { createRequire } from 'node:module';
import type * as CsEsm from '@alicloud/cs20151215';
import type * as OpenApiClient from '@alicloud/openapi-client';
import type * as Dara from '@darabonba/typescript';
import type * as CredentialsEsm from '@alicloud/credentials';

const require = createRequire(import.meta.url);

// Under `nodenext`, an ESM namespace's `default` is the CommonJS module.exports object, which is
// exactly what require() returns.
type CsExports = typeof CsEsm.default;
type CredentialsExports = typeof CredentialsEsm.default;

export interface AlibabaSdk {
  Cs: CsExports['default'];
  CsModels: CsExports;
  OpenApi: typeof OpenApiClient;
  Tea: typeof Dara;
  Credential: CredentialsExports['default'];
}

let loaded: AlibabaSdk | undefined;

/**
 * The SDK modules, loaded on first use: together they hold ~30 MiB of heap and code, which a
 * settled operator (no cloud call to make, the common case) never needs to pay for.
 */
export function alibabaSdk(): AlibabaSdk {
  if (!loaded) {
    const cs = require('@alicloud/cs20151215') as CsExports;
    loaded = {
      Cs: cs.default, CsModels: cs,
      OpenApi: require('@alicloud/openapi-client') as typeof OpenApiClient,
      Tea: require('@darabonba/typescript') as typeof Dara,
      Credential: (require('@alicloud/credentials') as CredentialsExports).default,
    };
  }
  return loaded;
}

export type CsClient = InstanceType<AlibabaSdk['Cs']>;
export type CredentialClient = InstanceType<AlibabaSdk['Credential']>;
