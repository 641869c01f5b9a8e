import { describe, expect, it } from 'vitest';
import { capDiff, diffConfig } from '../src/correlate/diff.js';

describe('diffConfig', () => {
  it('reports one add when an element is inserted into an array, not a replace per index', () => {
    const before = { ipPermissions: [{ fromPort: 443 }, { fromPort: 80 }] };
    const after = { ipPermissions: [{ fromPort: 22 }, { fromPort: 443 }, { fromPort: 80 }] };
    expect(diffConfig(before, after, 'configuration')).toEqual([{ path: 'configuration.ipPermissions[0]', op: 'add', after: { fromPort: 22 } }]);
  });

  it('shows the nested field of an object edited in place', () => {
    const rule = (cidrs: string[]) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: cidrs.map((c) => ({ cidrIp: c })) });
    const before = { ipPermissions: [rule(['10.0.0.0/8']), { ipProtocol: 'tcp', fromPort: 443 }] };
    const after = { ipPermissions: [rule(['10.0.0.0/8', '0.0.0.0/0']), { ipProtocol: 'tcp', fromPort: 443 }] };
    expect(diffConfig(before, after, 'configuration')).toEqual([{ path: 'configuration.ipPermissions[0].ipv4Ranges[1]', op: 'add', after: { cidrIp: '0.0.0.0/0' } }]);
  });

  it('diffs tags and scalars with sorted, quoted paths', () => {
    expect(diffConfig({ Owner: 'a', 'cost center': '1', Gone: 'x' }, { Owner: 'b', 'cost center': '1', New: 'y' }, 'tags')).toEqual([
      { path: 'tags.Gone', op: 'remove', before: 'x' },
      { path: 'tags.New', op: 'add', after: 'y' },
      { path: 'tags.Owner', op: 'replace', before: 'a', after: 'b' },
    ]);
    expect(diffConfig({ 'a.b': 1 }, { 'a.b': 2 }, 'x')).toEqual([{ path: 'x["a.b"]', op: 'replace', before: 1, after: 2 }]);
  });

  it('treats a reordered array as unchanged and a removed element as one remove', () => {
    expect(diffConfig({ l: [1, 2, 3] }, { l: [3, 1, 2] }, 'c')).toEqual([]);
    expect(diffConfig({ l: ['a', 'b', 'c'] }, { l: ['a', 'c'] }, 'c')).toEqual([{ path: 'c.l[1]', op: 'remove', before: 'b' }]);
  });

  it('caps a huge diff with an entry saying how many were left out', () => {
    const before = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i]));
    const capped = capDiff(diffConfig(before, {}, 'c'));
    expect(capped).toHaveLength(501);
    expect(capped[500]).toEqual({ path: '…', op: 'replace', after: '100 more differences not shown' });
  });
});
