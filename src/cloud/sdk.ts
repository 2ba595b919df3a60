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

const csModule = require('@alicloud/cs20151215') as CsExports;
export const Cs = csModule.default;
export const CsModels = csModule;
export const OpenApi = require('@alicloud/openapi-client') as typeof OpenApiClient;
export const Tea = require('@darabonba/typescript') as typeof Dara;
export const Credential = (require('@alicloud/credentials') as CredentialsExports).default;

export type CsClient = InstanceType<typeof Cs>;
export type CredentialClient = InstanceType<typeof Credential>;
