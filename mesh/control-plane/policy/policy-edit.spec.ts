import { describe, expect, it } from 'vitest';
import { parseWeights, promote, rollback, withWeights } from './policy-edit';
import type { ServicePolicy } from './types';

describe('canary edits', () => {
  it('rolls back to the stable version after any number of steps, promote included', () => {
    let p: ServicePolicy = {};
    p = withWeights(p, parseWeights('v1=100'));
    p = withWeights(p, parseWeights('v1=90,v2=10'));
    p = withWeights(p, parseWeights('v1=50,v2=50'));
    p = promote(p, 'v2');
    expect(p.subsets).toEqual([{ version: 'v2', weight: 100 }]);
    p = rollback(p);
    expect(p.subsets).toEqual([{ version: 'v1', weight: 100 }]);
  });

  it('a new canary on top of a promoted version rolls back to that version', () => {
    let p: ServicePolicy = promote(withWeights({}, parseWeights('v1=90,v2=10')), 'v2');
    p = withWeights(p, parseWeights('v2=90,v3=10'));
    expect(rollback(p).subsets).toEqual([{ version: 'v2', weight: 100 }]);
  });

  it('refuses what it cannot do', () => {
    expect(() => rollback({})).toThrow(/no canary to roll back/);
    expect(() => parseWeights('v1:90')).toThrow(/expected version=weight/);
  });
});
