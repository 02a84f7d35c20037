import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobFailure } from './job-failure.js';

test('a failed job hands pg-boss its error kind and code, never the message or the stack', async () => {
  const cause = Object.assign(new Error('value "+905321234567" is invalid for ali@example.com'), {
    code: '22021',
    detail: 'Key (address)=(+905321234567)',
  });
  const failure = new JobFailure(cause);
  // pg-boss stores what serialize-error makes of it: every own property, the stack included.
  const stored = JSON.stringify({ ...failure, message: failure.message, stack: failure.stack });
  assert.equal(failure.message, 'Error 22021');
  assert.doesNotMatch(stored, /905321234567|example\.com|Key \(/);
  assert.equal(new JobFailure('text').message, 'string');
});
