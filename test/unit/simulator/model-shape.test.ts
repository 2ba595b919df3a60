import { expect } from 'chai';
import { shapeProblems } from './support/model-shape.js';
import { CsModels } from './support/sdk.js';

// The checker the node pool tests rely on must itself catch what the SDK's cast lets through.
describe('SDK model shape checker (test support)', () => {
  const good = { nodepools: [{ nodepool_info: { nodepool_id: 'np-1' }, status: { state: 'active', total_nodes: 0 }, scaling_group: { vswitch_ids: ['v'] } }] };

  it('accepts an answer with known keys of the right types', () => {
    expect(shapeProblems(good, CsModels.DescribeClusterNodePoolsResponseBody)).to.deep.equal([]);
  });

  it('reports a misspelt key, a wrong scalar type, a non-array and a non-object, with their paths', () => {
    const bad = {
      nodepools: [{ nodepool_info: { nodepoolId: 'np-1' }, status: { state: 'active', total_nodes: '0' }, scaling_group: { vswitch_ids: 'v' } }],
      extra: 1,
    };
    expect(shapeProblems(bad, CsModels.DescribeClusterNodePoolsResponseBody)).to.deep.equal([
      '$.nodepools[0].nodepool_info.nodepoolId is not a key of the SDK model',
      '$.nodepools[0].status.total_nodes is string, the model wants number',
      '$.nodepools[0].scaling_group.vswitch_ids is not an array',
      '$.extra is not a key of the SDK model',
    ]);
    expect(shapeProblems({ status: 'active' }, CsModels.DescribeClusterNodePoolDetailResponseBody)).to.deep.equal(['$.status is not an object']);
  });
});
