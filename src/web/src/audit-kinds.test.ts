import { describe, expect, it } from 'vitest';
import { AUDIT_KINDS } from '../../audit/index.js';
import { AUDIT_KIND_OPTIONS } from './audit-kinds.js';

describe("the Audit page's kinds", () => {
  it('are the server\'s kinds (model calls included), not a copy that drifts', () => {
    expect(AUDIT_KIND_OPTIONS).toEqual(['', ...AUDIT_KINDS]);
    expect(AUDIT_KIND_OPTIONS).toContain('llm_call');
  });
});
