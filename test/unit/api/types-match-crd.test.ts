// The TypeScript types in src/api/sandbox-capacity.ts and the CRD schema describe the same object:
// same fields, same JSON types, same optional fields, same enum values. TypeScript types vanish at
// run time, so the fixtures (checked by tsc to set exactly the declared fields) stand in for them.
import { expect } from 'chai';
import {
  API_VERSION,
  GROUP,
  KIND,
  LEGACY_TASK_STATES,
  PLURAL,
  SANDBOX_RUNTIME_LABEL,
  SANDBOX_RUNTIME_VALUE,
  SHORT_NAME,
  VERSION,
  type Condition,
  type DriftPolicy,
  type InstanceChargeType,
  type LabelSelectorRequirement,
  type LastDecision,
  type SandboxCapacity,
  type SandboxCapacitySpec,
  type SandboxCapacityStatus,
  type ScaleInPhase,
  type TaskState,
} from '../../../src/api/sandbox-capacity.js';
import { isTrapField, jsonKind, loadCrd, rootSchema, schemaFields, type SchemaField, type SchemaNode } from './crd-schema.js';
import { fullSpec, fullStatus, objectFields } from './fixtures.js';
import { allOf, type OptionalPaths } from './type-helpers.js';

const crd = loadCrd();
const root = rootSchema(crd);

function subtree(name: 'spec' | 'status'): SchemaNode {
  const node = root.properties?.[name];
  if (!node) throw new Error(`the schema has no ${name}`);
  return node;
}

const schemaFieldList: SchemaField[] = [
  ...schemaFields(subtree('spec'), 'spec.'),
  ...schemaFields(subtree('status'), 'status.'),
].filter((f) => !isTrapField(f.node));

const mapPaths = new Set(schemaFieldList.filter((f) => f.node.additionalProperties).map((f) => f.path));
const typeFields = new Map([...objectFields(fullSpec, 'spec.', mapPaths), ...objectFields(fullStatus, 'status.', mapPaths)]);

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

function schemaField(path: string): SchemaField {
  const field = schemaFieldList.find((f) => f.path === path);
  if (!field) throw new Error(`the schema has no field ${path}`);
  return field;
}

describe('SandboxCapacity types agree with the CRD schema', () => {
  it('declares the same top-level fields', () => {
    const typeKeys: Record<keyof SandboxCapacity, true> = { apiVersion: true, kind: true, metadata: true, spec: true, status: true };
    expect(sorted(Object.keys(root.properties ?? {}))).to.deep.equal(sorted(Object.keys(typeKeys)));
  });

  it('declares the same spec and status fields, both ways (the refused trap fields aside)', () => {
    expect(sorted(typeFields.keys())).to.deep.equal(sorted(schemaFieldList.map((f) => f.path)));
  });

  it('gives every field the same JSON type', () => {
    const schemaKinds = Object.fromEntries(schemaFieldList.map((f) => [f.path, jsonKind(f.node)]));
    expect(Object.fromEntries(typeFields)).to.deep.equal(schemaKinds);
  });

  it('makes optional exactly the fields the server neither requires nor defaults', () => {
    type Optional = OptionalPaths<SandboxCapacitySpec, 'spec.'> | OptionalPaths<SandboxCapacityStatus, 'status.'>;
    const typeOptional = allOf<Optional>()([
      'spec.nodeSelector.matchLabels',
      'spec.nodeSelector.matchExpressions',
      'spec.nodeSelector.matchExpressions[].values',
      'spec.scaleOut',
      'spec.nodePool',
      'spec.scaleOut.keyPair',
      'spec.scaleOut.loginPasswordSecretRef',
      'spec.scaleOut.tags',
      'spec.credentials',
      'spec.credentials.secretRef',
      'status.observedGeneration',
      'status.replicas',
      'status.readyReplicas',
      'status.inFlightReplicas',
      'status.selector',
      'status.tasks',
      'status.tasks[].taskId',
      'status.tasks[].requestId',
      'status.tasks[].vswitchIds',
      'status.tasks[].completionTime',
      'status.tasks[].instanceIds',
      'status.tasks[].joinedInstanceIds',
      'status.tasks[].releasedInstanceIds',
      'status.tasks[].failedCount',
      'status.tasks[].message',
      'status.lastScaleOutTime',
      'status.unjoined',
      'status.unjoined[].nodeName',
      'status.outOfStock',
      'status.outOfStock[].zone',
      'status.overlapping',
      'status.ledgerCheckedAt',
      'status.lastRetryRequest',
      'status.credentialsVersion',
      'status.consecutiveFailures',
      'status.nextRetryTime',
      'status.lastDecision',
      'status.vswitchZones',
      'status.lastDecision.count',
      'status.conditions',
      'status.conditions[].observedGeneration',
      'status.nodePool',
      'status.nodePool.lastWrite',
      'status.nodePool.lastWrite.taskId',
      'status.nodePool.lastWrite.requestId',
      'status.nodePool.drift',
      'status.nodePool.problem',
      'status.nodePool.taskError',
      'status.nodePool.shortSince',
      'status.scaleIn',
      'status.scaleIn.surplusSince',
      'status.scaleIn.removals',
      'status.scaleIn.removals[].removeTime',
      'status.scaleIn.removals[].taskId',
    ]);
    const schemaOptional = schemaFieldList.filter((f) => !f.required && f.node.default === undefined).map((f) => f.path);
    expect(sorted(schemaOptional)).to.deep.equal(sorted(typeOptional));
  });

  it('lists the same enum values as the unions of the types', () => {
    const unions: Record<string, readonly string[]> = {
      'spec.scaleOut.instanceChargeType': allOf<InstanceChargeType>()(['PostPaid', 'PrePaid']),
      'spec.nodeSelector.matchExpressions[].operator': allOf<LabelSelectorRequirement['operator']>()(['In', 'NotIn', 'Exists', 'DoesNotExist']),
      // The current spellings, plus the ones v0.1 wrote (still accepted, read as their current form).
      'status.tasks[].state': [...allOf<TaskState>()(['Requesting', 'Running', 'Succeeded', 'Failed', 'TimedOut', 'Refused', 'Abandoned']), ...Object.keys(LEGACY_TASK_STATES)],
      'spec.nodePool.driftPolicy': allOf<DriftPolicy>()(['Enforce', 'Observe']),
      'status.scaleIn.removals[].phase': allOf<ScaleInPhase>()(['Draining', 'Removing']),
      'status.lastDecision.action': allOf<LastDecision['action']>()(['NoOp', 'ScaleOut', 'Wait', 'Blocked']),
      'status.conditions[].status': allOf<Condition['status']>()(['True', 'False', 'Unknown']),
      // DiskSpec.category is a plain string (the lists differ per disk); the values come from ACK's document.
      'spec.scaleOut.dataDisk.category': ['cloud_efficiency', 'cloud_ssd', 'cloud'],
      'spec.scaleOut.systemDisk.category': ['cloud_efficiency', 'cloud_ssd'],
    };
    const schemaEnums = Object.fromEntries(
      schemaFieldList.filter((f) => f.node.enum).map((f) => [f.path, sorted((f.node.enum ?? []).map(String))]),
    );
    const typeEnums = Object.fromEntries(Object.entries(unions).map(([path, values]) => [path, sorted(values)]));
    expect(schemaEnums).to.deep.equal(typeEnums);
  });

  it('uses the group, version, names and sandbox label the constants export', () => {
    expect(crd.spec.group).to.equal(GROUP);
    expect(crd.spec.versions.map((v) => v.name)).to.deep.equal([VERSION]);
    expect(API_VERSION).to.equal(`${GROUP}/${VERSION}`);
    expect(crd.spec.names.kind).to.equal(KIND);
    expect(crd.spec.names.plural).to.equal(PLURAL);
    expect(crd.spec.names.shortNames).to.deep.equal([SHORT_NAME]);
    expect(crd.metadata?.name).to.equal(`${PLURAL}.${GROUP}`);
    expect(schemaField('spec.nodeSelector').node.default).to.deep.equal({ matchLabels: { [SANDBOX_RUNTIME_LABEL]: SANDBOX_RUNTIME_VALUE } });
  });
});
