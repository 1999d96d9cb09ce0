// `--secret` as docker build takes it.
import { describe, expect, it } from 'vitest';
import { parseSecretOption } from '../../../src/cli/secret-option.js';

describe('parseSecretOption', () => {
  it('reads a variable or a file, in docker build’s words', () => {
    expect(parseSecretOption('id=npm_token,env=NPM_TOKEN')).toEqual([
      'npm_token',
      { env: 'NPM_TOKEN' },
    ]);
    expect(parseSecretOption('id=ca,src=./ca.pem')).toEqual(['ca', { file: './ca.pem' }]);
    expect(parseSecretOption('type=file,id=ca,source=/etc/ca.pem')).toEqual([
      'ca',
      { file: '/etc/ca.pem' },
    ]);
    expect(parseSecretOption('type=env,env=A,id=a')).toEqual(['a', { env: 'A' }]);
  });

  it.each([
    ['npm_token'],
    ['id=t'],
    ['id=t,env=A,src=b'],
    ['id=t,env='],
    ['id=t,src='],
    ['id=t,type=file,env=A'],
    ['id=t,type=ssh,env=A'],
    ['id=t,id=u,env=A'],
    ['id=t,value=s3cret'],
    ['id=a/b,env=A'],
  ])('refuses %j, saying how to write it', (text) => {
    expect(() => parseSecretOption(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
