import { DEFAULT_STATUS_MAP, effectiveStatusMap, mapStatus, patchStatusOverrides } from '../../src/domain/status-map';

describe('status map', () => {
  it('maps both vocabularies by default, case-insensitively', () => {
    const m = effectiveStatusMap({});
    expect(mapStatus(m, 'success')).toBe('PASSED');
    expect(mapStatus(m, 'PRE_REQUISITE_FAILED')).toBe('FAILED');
    expect(mapStatus(m, 'Stopped')).toBe('ABORTED');
    expect(mapStatus(m, 'queued')).toBe('TODO');
    expect(mapStatus(m, 'RUNNING')).toBe('EXECUTING');
    expect(mapStatus(m, 'BLOCKED')).toBeUndefined();
    expect(mapStatus(m, 'constructor')).toBeUndefined();
  });

  it('applies overrides key by key, adds words, and "" removes an override', () => {
    let o = patchStatusOverrides({}, { blocked: 'BLOCKED', ABORTED: 'FAILED' });
    expect(effectiveStatusMap(o)).toMatchObject({ BLOCKED: 'BLOCKED', ABORTED: 'FAILED', STOPPED: 'ABORTED' });
    o = patchStatusOverrides(o, { ABORTED: '' });
    expect(effectiveStatusMap(o).ABORTED).toBe(DEFAULT_STATUS_MAP.ABORTED);
    expect(effectiveStatusMap(o).BLOCKED).toBe('BLOCKED');
  });
});
