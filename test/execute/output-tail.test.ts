import { describe, expect, it } from 'vitest';
import { OutputTail } from '../../src/execute/output-tail.js';

describe('OutputTail', () => {
  it('returns the lines each chunk completes, across chunk boundaries and CRLF', () => {
    const tail = new OutputTail();
    expect(tail.push('one\ntw')).toEqual(['one']);
    expect(tail.push('o\r\nthree')).toEqual(['two']);
    expect(tail.flush()).toEqual(['three']);
    expect(tail.last()).toEqual(['one', 'two', 'three']);
  });

  it('keeps each stream’s unfinished line apart, so stdout and stderr do not splice', () => {
    const tail = new OutputTail();
    expect(tail.push('progress: ', 'stdout')).toEqual([]);
    expect(tail.push('warning: disk\n', 'stderr')).toEqual(['warning: disk']);
    expect(tail.push('done\n', 'stdout')).toEqual(['progress: done']);
  });

  it('keeps only the last lines, by count and by bytes, and counts what it dropped', () => {
    const byCount = new OutputTail(3, 1000);
    byCount.push('1\n2\n3\n4\n5\n');
    expect(byCount.last()).toEqual(['3', '4', '5']);
    expect(byCount.dropped).toBe(2);

    const byBytes = new OutputTail(100, 10);
    byBytes.push('aaaa\nbbbb\ncccc\n');
    expect(byBytes.last()).toEqual(['bbbb', 'cccc']);
    expect(byBytes.last(1)).toEqual(['cccc']);
  });

  it('cuts output that never ends a line into bounded pieces instead of holding it whole', () => {
    const tail = new OutputTail(10, 8);
    expect(tail.push('x'.repeat(20))).toEqual(['xxxxxxxx', 'xxxxxxxx']);
    expect(tail.flush()).toEqual(['xxxx']);
  });

  it('flushes nothing when the output ended with a newline', () => {
    const tail = new OutputTail();
    tail.push('done\n');
    expect(tail.flush()).toEqual([]);
  });
});
