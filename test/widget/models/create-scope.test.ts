import { signal } from '@preact/signals-core';
import { describe, expect, it } from 'vitest';
import { createScope } from '../../../widget/models/create-scope';

describe('createScope', () => {
  it('disposes every effect and teardown it owns, so nothing runs after dispose', () => {
    const scope = createScope();
    const source = signal(1);
    const seen: number[] = [];
    let cleaned = 0;
    scope.effect(() => {
      seen.push(source.value);
      return () => {
        cleaned += 1;
      };
    });
    scope.add(() => {
      cleaned += 10;
    });
    source.value = 2;
    expect(scope.size).toBe(2);
    scope.dispose();
    expect(scope.size).toBe(0);
    expect(cleaned).toBe(12);
    source.value = 3;
    expect(seen).toEqual([1, 2]);
  });
});
